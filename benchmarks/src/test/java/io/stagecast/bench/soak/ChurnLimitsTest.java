package io.stagecast.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChurnLimitsTest {
    private static final ChurnLimits LIMITS = new ChurnLimits(8_000_000, 10, 4, 0.01);
    private static final NodeFigures BASELINE = new NodeFigures(20_000_000, 40, 30, 2, 1);

    @Test
    void figuresWithinTheBoundsOrBelowBaselinePass() {
        List<Verdict> verdicts = LIMITS.judge(BASELINE, new NodeFigures(27_900_000, 50, 20, 2, 1), 100, 1);
        assertTrue(verdicts.stream().allMatch(Verdict::pass), verdicts.toString());
    }

    @Test
    void eachFigurePastItsBoundFailsAlone() {
        assertEquals(List.of("heap after GC"), failed(new NodeFigures(28_100_000, 40, 30, 2, 1), 100, 0));
        assertEquals(List.of("open files"), failed(new NodeFigures(20_000_000, 51, 30, 2, 1), 100, 0));
        assertEquals(List.of("threads"), failed(new NodeFigures(20_000_000, 40, 35, 2, 1), 100, 0));
        assertEquals(List.of("transports"), failed(new NodeFigures(20_000_000, 40, 30, 1, 1), 100, 0));
        assertEquals(List.of("participants"), failed(new NodeFigures(20_000_000, 40, 30, 2, 2), 100, 0));
        assertEquals(List.of("failed joins"), failed(BASELINE, 98, 2));
        assertEquals(List.of("failed joins"), failed(BASELINE, 0, 0));
    }

    private static List<String> failed(NodeFigures after, long joins, long failures) {
        return LIMITS.judge(BASELINE, after, joins, failures).stream().filter(v -> !v.pass()).map(Verdict::figure).toList();
    }
}
