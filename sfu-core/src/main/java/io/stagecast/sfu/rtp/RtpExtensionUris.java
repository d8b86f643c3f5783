package io.stagecast.sfu.rtp;

/**
 * URIs of the RTP header extensions (RFC 8285 {@code a=extmap}) the SFU understands, spelled
 * exactly as Chromium offers them. Signaling maps each to the local id of one session.
 */
public final class RtpExtensionUris {
    /** RFC 9143 15.2: the m= section a packet belongs to. */
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** RFC 8852 3.1: the simulcast encoding (rid) of a packet. */
    public static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** RFC 8852 3.2: the rid an RTX stream repairs. */
    public static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    /** Send-side bandwidth estimation (REMB era): 24-bit 6.18 fixed point seconds. */
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Transport-wide sequence number for transport-cc feedback. */
    public static final String TRANSPORT_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** RFC 6464: client-to-mixer audio level. */
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** 3GPP TS 26.114 coordination of video orientation. */
    public static final String VIDEO_ORIENTATION = "urn:3gpp:video-orientation";
    public static final String PLAYOUT_DELAY = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
    public static final String ABS_CAPTURE_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
    /** AV1 RTP specification, appendix A; also used by Chromium for VP8/VP9/H264 SVC. */
    public static final String DEPENDENCY_DESCRIPTOR =
            "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";

    private RtpExtensionUris() {
    }
}
