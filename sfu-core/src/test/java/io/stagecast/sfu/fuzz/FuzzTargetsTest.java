package io.stagecast.sfu.fuzz;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: each parser of sfu-core that reads bytes from outside runs its committed corpus and
 * a short coverage-guided fuzzing pass ({@link FuzzRun#defaultTime()}, 10 s in CI;
 * {@code scripts/fuzz.sh} runs them for hours). A finding fails the test with its input's file,
 * which then goes into the target's corpus as a regression input once fixed.
 */
class FuzzTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "io.stagecast.sfu.stun.StunFuzzTarget",
            "io.stagecast.sfu.dtls.DtlsEntryFuzzTarget",
            "io.stagecast.sfu.srtp.SrtpFuzzTarget",
            "io.stagecast.sfu.rtp.RtpFuzzTarget",
            "io.stagecast.sfu.rtcp.RtcpFuzzTarget",
            "io.stagecast.sfu.router.PacketPathFuzzTarget"})
    void fuzzingFindsNothing(String target) throws Exception {
        FuzzRun.assertFindsNothing(Class.forName(target));
    }

    /** The setup itself: a bug planted in a copy of a parser, which random inputs almost never reach, is found. */
    @org.junit.jupiter.api.Test
    void aPlantedBugIsFound() throws Exception {
        FuzzRun.Result result = FuzzRun.run(PlantedBugFuzzTarget.class, java.time.Duration.ofSeconds(60));
        System.out.println("fuzz " + result.summary());
        assertEquals(1, result.findings().size(), "the planted bug is found: " + result.summary() + "\n" + result.output());
        assertTrue(result.output().startsWith("== Java Exception: java.lang.ArrayIndexOutOfBoundsException"),
                "the finding's report leads the output (a CI log keeps only part of it): " + result.output());
        assertTrue(result.output().contains("finding crash-"), "the input in Base64: " + result.output());
        assertTrue(result.exitCode() != 0, result.summary());
    }
}
