package io.stagecast.sfu.router;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SequenceRewriterTest {
    @Test
    void aDroppedPacketLeavesNoGap() {
        SequenceRewriter rewriter = new SequenceRewriter(90_000);
        rewriter.startSource(100, 0, 0);
        int first = send(rewriter, 100);
        assertEquals(first + 1, send(rewriter, 101));
        rewriter.drop(102);
        rewriter.drop(103);
        assertEquals(first + 2, send(rewriter, 104), "the two dropped packets took no numbers");
        assertEquals(first + 3, send(rewriter, 105));
    }

    @Test
    void aLatePacketBehindADropIsNumberedAsInOrder() {
        SequenceRewriter rewriter = new SequenceRewriter(90_000);
        rewriter.startSource(100, 0, 0);
        int first = send(rewriter, 100);
        // 101 is late; 102 is dropped; 103 comes.
        rewriter.drop(102);
        assertEquals(first + 2, send(rewriter, 103));
        assertEquals(first + 1, send(rewriter, 101), "101 keeps the number it would have had in order");
    }

    @Test
    void aNewSourceContinuesTheNumbersAcrossTheWrap() {
        SequenceRewriter rewriter = new SequenceRewriter(90_000);
        rewriter.startSource(65_534, 1000, 0);
        int a = send(rewriter, 65_534);
        int b = send(rewriter, 65_535);
        rewriter.drop(0);
        int c = send(rewriter, 1);
        assertEquals((a + 1) & 0xFFFF, b);
        assertEquals((b + 1) & 0xFFFF, c);
        long lastTs = rewriter.lastTimestampOut();
        rewriter.startSource(5000, 777, 33_000_000L);
        assertEquals((lastTs + 2970) & 0xFFFFFFFFL, rewriter.timestampOut(777),
                "the timestamp advances by the 33 ms since the last packet");
        assertEquals((c + 1) & 0xFFFF, send(rewriter, 5000), "another source goes on from the last number");
    }

    private static int send(SequenceRewriter rewriter, int seqIn) {
        int out = rewriter.sequenceOut(seqIn);
        rewriter.onSent(out, rewriter.timestampOut(seqIn * 3000L), 0);
        return out;
    }
}
