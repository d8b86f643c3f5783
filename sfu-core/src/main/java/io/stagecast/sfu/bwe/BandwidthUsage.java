package io.stagecast.sfu.bwe;

/** What the delay-based detector concludes about the path (draft-ietf-rmcat-gcc-02 5.4). */
enum BandwidthUsage {
    NORMAL, OVERUSING, UNDERUSING
}
