package io.stagecast.sfu.router;

/**
 * One RTP stream of a producer: a single stream, or one simulcast layer.
 *
 * @param ssrc the SSRC from a=ssrc, or 0 when it must be learnt from the rid header extension
 *             (Chromium's simulcast offers have no a=ssrc lines for video)
 * @param rid  the simulcast layer's rid, null without simulcast
 */
public record StreamSpec(int ssrc, String rid) {
}
