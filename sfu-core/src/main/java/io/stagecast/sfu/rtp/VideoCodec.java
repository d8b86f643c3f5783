package io.stagecast.sfu.rtp;

/** Video codecs whose RTP payload the SFU looks into (to find keyframes). */
public enum VideoCodec {
    VP8, VP9, H264, AV1
}
