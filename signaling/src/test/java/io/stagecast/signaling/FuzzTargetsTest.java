package io.stagecast.signaling;

import io.stagecast.sfu.fuzz.FuzzRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


/**
 * Issue 13: the signaling parsers that read text from outside (SDP, WebSocket requests, join and
 * API tokens, the REST API's requests and WHIP/WHEP offers on a live node) run their committed corpus and a short coverage-guided fuzzing pass, as sfu-core's
 * ({@link FuzzRun}; scripts/fuzz.sh for long runs).
 */
class FuzzTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "io.stagecast.signaling.sdp.SdpFuzzTarget",
            "io.stagecast.signaling.ws.WebSocketRequestFuzzTarget",
            "io.stagecast.signaling.token.TokenFuzzTarget",
            "io.stagecast.signaling.api.ApiRequestFuzzTarget",
            "io.stagecast.signaling.room.WhipWhepFuzzTarget"})
    void fuzzingFindsNothing(String target) throws Exception {
        FuzzRun.assertFindsNothing(Class.forName(target));
    }
}
