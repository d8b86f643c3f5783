package io.stagecast.bench.soak;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassHistogramTest {
    private static final String BEFORE = """
            21606:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         44840        4680464  [B (java.base@25.0.3)
               2:          8159        1671384  java.lang.Class (java.base@25.0.3)
               3:           100           4000  io.stagecast.sfu.transport.Transport
            Total        235611       16662976
            """;
    private static final String AFTER = """
            21606:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         45840        4780464  [B (java.base@25.0.3)
               2:          8159        1671384  java.lang.Class (java.base@25.0.3)
               3:          3100         124000  io.stagecast.sfu.transport.Transport
               4:            10            160  java.lang.Object (java.base@25.0.3)
            Total        239621       16883136
            """;

    @Test
    void theTotalIsTheLiveHeap() {
        assertEquals(16_662_976, ClassHistogram.parse(BEFORE).totalBytes());
        assertThrows(IllegalStateException.class, () -> ClassHistogram.parse("21606:\nno such command"));
    }

    @Test
    void namesTheClassesThatGrewMostFirst() {
        ClassHistogram before = ClassHistogram.parse(BEFORE);
        ClassHistogram after = ClassHistogram.parse(AFTER);
        assertEquals("[io.stagecast.sfu.transport.Transport +120 KB, [B +100 KB]", after.largestGrowth(before, 2));
        assertEquals("[]", before.largestGrowth(after, 5), "nothing grew from after to before");
    }
}
