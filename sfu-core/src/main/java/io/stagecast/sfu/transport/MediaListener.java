package io.stagecast.sfu.transport;

import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtp.RtpPacket;

/**
 * Where a transport hands its decrypted media up (the router side sets it, see
 * {@link Transport#setMediaListener}). Every call runs on the media event loop; the views are
 * flyweights over the receive buffer, valid only during the call, and nothing here may allocate.
 * Data flows one way: the transport never learns what is behind this interface.
 */
public interface MediaListener {
    MediaListener NONE = new MediaListener() {
    };

    /** A decrypted RTP packet the peer may publish (its transport-cc arrival already recorded). */
    default void onRtp(RtpPacket rtp, long nowNanos) {
    }

    /** One RTCP packet of a decrypted compound, {@code rtcp} positioned on it. */
    default void onRtcp(RtcpCompound rtcp, long nowNanos) {
    }

    /** DTLS-SRTP keys are agreed: packets can reach the peer from now on. */
    default void onConnected(long nowNanos) {
    }

    /** The node's tick (20 ms) while connected; {@code reportsDue} once per RTCP report interval. */
    default void onTick(long nowNanos, boolean reportsDue) {
    }

    /**
     * Whether {@code ssrc} is one we send this peer (media or RTX): only report blocks about those
     * measure the round trip ({@link io.stagecast.sfu.rtcp.RoundTripEstimator}).
     */
    default boolean sendsSsrc(int ssrc) {
        return false;
    }

    /** The transport ended; nothing more will be delivered or sent. */
    default void onClosed() {
    }
}
