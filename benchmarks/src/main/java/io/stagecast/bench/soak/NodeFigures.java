package io.stagecast.bench.soak;

import java.util.Locale;

/**
 * The node's figures a soak compares before and after: heap after a full collection, open file
 * descriptors, live threads, and its own gauges of transports and participants.
 */
record NodeFigures(long heapAfterGcBytes, int openFiles, int threads, int transports, int participants) {

    String describe() {
        return String.format(Locale.ROOT, "heap after GC %.1f MB, %d open files, %d threads, %d transports, %d participants",
                heapAfterGcBytes / 1e6, openFiles, threads, transports, participants);
    }
}
