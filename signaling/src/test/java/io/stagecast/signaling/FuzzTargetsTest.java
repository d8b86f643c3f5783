package io.stagecast.signaling;

import io.stagecast.sfu.fuzz.FuzzRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: the signaling parsers that read text from outside (SDP, WebSocket requests, join and
 * API tokens) run their committed corpus and a short coverage-guided fuzzing pass, as sfu-core's
 * ({@link FuzzRun}; scripts/fuzz.sh for long runs).
 */
class FuzzTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "io.stagecast.signaling.sdp.SdpFuzzTarget",
            "io.stagecast.signaling.ws.WebSocketRequestFuzzTarget",
            "io.stagecast.signaling.token.TokenFuzzTarget"})
    void fuzzingFindsNothing(String target) throws Exception {
        FuzzRun.Result result = FuzzRun.run(Class.forName(target), FuzzRun.defaultTime());
        System.out.println("fuzz " + result.summary());
        assertTrue(result.findings().isEmpty() && result.exitCode() == 0, result.summary() + "\n" + result.output());
        assertTrue(result.executions() > 100, "the target ran: " + result.summary() + "\n" + result.output());
        assertTrue(result.coverage() > 0, "coverage was measured (instrumentation on): " + result.summary());
    }
}
