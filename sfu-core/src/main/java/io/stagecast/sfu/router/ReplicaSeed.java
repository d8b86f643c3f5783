package io.stagecast.sfu.router;

/**
 * What a producer knows of its layers (each stream's last keyframe size, bitrates, temporal
 * rates, the ranking), copied on the origin's loop when a replica starts and applied on the
 * replica's: its viewers' first allocation is as informed as one beside the origin, instead of
 * waiting ~1 s for its own measurements (a 320-px tile would see unranked layers until then).
 */
record ReplicaSeed(ProducerStream.Snapshot[] streams, int[] layerOrder, int bestLayer) {

    /** On the origin's loop. */
    static ReplicaSeed of(Producer origin) {
        ProducerStream.Snapshot[] streams = new ProducerStream.Snapshot[origin.streams.length];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = origin.streams[i].snapshot();
        }
        return new ReplicaSeed(streams, origin.ranking.order.clone(), origin.ranking.best);
    }

    /** On the replica's loop. */
    void applyTo(Producer replica) {
        for (int i = 0; i < streams.length && i < replica.streams.length; i++) {
            replica.streams[i].restore(streams[i]);
        }
        int[] order = replica.ranking.order;
        System.arraycopy(layerOrder, 0, order, 0, Math.min(layerOrder.length, order.length));
        replica.ranking.best = bestLayer;
    }
}
