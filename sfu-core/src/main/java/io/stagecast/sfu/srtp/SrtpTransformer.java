package io.stagecast.sfu.srtp;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP for one transport (one DTLS association): our local keys protect what we send,
 * the peer's keys unprotect what we receive (RFC 5764 4.2).
 *
 * <p>Crypto contexts are derived per SSRC on first use and kept in allocation-free maps, at most
 * {@link #MAX_SSRCS_PER_DIRECTION} per direction and protocol. A receive context is kept only once
 * a packet has authenticated through it, so unauthenticated packets cannot use up that budget.
 *
 * <p>Owned by one thread; not thread-safe. Packets are transformed in place. A packet that fails
 * to unprotect may have been partly modified and must be dropped.
 */
public final class SrtpTransformer {
    /** Cap on SSRCs per direction and protocol: far above what one WebRTC peer uses. */
    public static final int MAX_SSRCS_PER_DIRECTION = 64;

    static {
        SrtpCrypto.configure();
    }

    private static final Logger JITSI_LOGGER = new LoggerImpl(SrtpTransformer.class.getName());

    private final int tagLength;
    private final SrtpContextFactory senderFactory;
    private final SrtpContextFactory receiverFactory;
    private final SsrcContexts<SrtpCryptoContext> rtpSenders = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    private final SsrcContexts<SrtpCryptoContext> rtpReceivers = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    private final SsrcContexts<SrtcpCryptoContext> rtcpSenders = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    private final SsrcContexts<SrtcpCryptoContext> rtcpReceivers = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    private boolean closed;

    public SrtpTransformer(SrtpMasterKeys keys) {
        SrtpProfile profile = keys.profile();
        this.tagLength = profile.tagLength;
        this.senderFactory = new SrtpContextFactory(true, keys.localKey(), keys.localSalt(),
                policyFor(profile), policyFor(profile), JITSI_LOGGER);
        this.receiverFactory = new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(),
                policyFor(profile), policyFor(profile), JITSI_LOGGER);
    }

    private static SrtpPolicy policyFor(SrtpProfile profile) {
        SrtpPolicy policy = switch (profile) {
            // RFC 7714 14.2: GCM authenticates by itself, no HMAC.
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, profile.keyLength,
                    SrtpPolicy.NULL_AUTHENTICATION, 0, profile.tagLength, profile.saltLength);
            // RFC 5764 4.1.2: 160-bit HMAC-SHA1 key, tag truncated to 80 bits for SRTP and SRTCP.
            case AES_CM_128_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, profile.keyLength,
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, profile.tagLength, profile.saltLength);
        };
        policy.setReceiveReplayEnabled(true);
        // jitsi's send-side check is only a self-consistency check; it would refuse to re-send a
        // packet answering a NACK without RTX. Re-protecting identical plaintext under the same
        // index yields the identical ciphertext, so it reveals nothing new.
        policy.setSendReplayEnabled(false);
        return policy;
    }

    /** Verifies and decrypts an SRTP packet in place (RFC 3711 3.3); on OK the tag is gone. */
    public SrtpResult unprotectRtp(PacketBuffer pkt) {
        byte[] buf = pkt.getBuffer();
        int off = pkt.getOffset();
        if (closed || SrtpPacketShape.rtpHeaderLength(buf, off, pkt.getLength(), tagLength) < 0) {
            return SrtpResult.MALFORMED;
        }
        int ssrc = SrtpPacketShape.readInt(buf, off + 8);
        SrtpCryptoContext context = rtpReceivers.get(ssrc);
        boolean fresh = context == null;
        if (fresh) {
            if (rtpReceivers.isFull() || (context = deriveRtp(receiverFactory, ssrc)) == null) {
                return SrtpResult.MALFORMED;
            }
        }
        SrtpResult result;
        try {
            result = resultOf(context.reverseTransformPacket(pkt, false));
        } catch (GeneralSecurityException | RuntimeException e) {
            result = SrtpResult.MALFORMED;
        }
        if (fresh && result == SrtpResult.OK) {
            rtpReceivers.put(ssrc, context);
        }
        return result;
    }

    /** Encrypts an RTP packet in place and appends the tag (RFC 3711 3.3, RFC 7714 8.2). */
    public SrtpResult protectRtp(PacketBuffer pkt) {
        byte[] buf = pkt.getBuffer();
        int off = pkt.getOffset();
        if (closed || SrtpPacketShape.rtpHeaderLength(buf, off, pkt.getLength(), 0) < 0) {
            return SrtpResult.MALFORMED;
        }
        int ssrc = SrtpPacketShape.readInt(buf, off + 8);
        SrtpCryptoContext context = rtpSenders.get(ssrc);
        if (context == null) {
            if (rtpSenders.isFull() || (context = deriveRtp(senderFactory, ssrc)) == null) {
                return SrtpResult.MALFORMED;
            }
            rtpSenders.put(ssrc, context);
        }
        // GCM writes its tag straight behind the payload, so the room must exist beforehand;
        // a no-op for pooled buffers, which keep PacketBuffer.TAIL_ROOM spare.
        pkt.grow(tagLength);
        try {
            return resultOf(context.transformPacket(pkt));
        } catch (GeneralSecurityException | RuntimeException e) {
            return SrtpResult.MALFORMED;
        }
    }

    /** Verifies and decrypts an SRTCP packet in place (RFC 3711 3.4); on OK index and tag are gone. */
    public SrtpResult unprotectRtcp(PacketBuffer pkt) {
        byte[] buf = pkt.getBuffer();
        int off = pkt.getOffset();
        if (closed || !SrtpPacketShape.isRtcp(buf, off, pkt.getLength(), SrtpPacketShape.SRTCP_INDEX + tagLength)) {
            return SrtpResult.MALFORMED;
        }
        int ssrc = SrtpPacketShape.readInt(buf, off + 4);
        SrtcpCryptoContext context = rtcpReceivers.get(ssrc);
        boolean fresh = context == null;
        if (fresh) {
            if (rtcpReceivers.isFull() || (context = deriveRtcp(receiverFactory, ssrc)) == null) {
                return SrtpResult.MALFORMED;
            }
        }
        SrtpResult result;
        try {
            result = resultOf(context.reverseTransformPacket(pkt));
        } catch (GeneralSecurityException | RuntimeException e) {
            result = SrtpResult.MALFORMED;
        }
        if (fresh && result == SrtpResult.OK) {
            rtcpReceivers.put(ssrc, context);
        }
        return result;
    }

    /** Encrypts a (compound) RTCP packet in place and appends index and tag (RFC 3711 3.4). */
    public SrtpResult protectRtcp(PacketBuffer pkt) {
        byte[] buf = pkt.getBuffer();
        int off = pkt.getOffset();
        if (closed || !SrtpPacketShape.isRtcp(buf, off, pkt.getLength(), 0)) {
            return SrtpResult.MALFORMED;
        }
        int ssrc = SrtpPacketShape.readInt(buf, off + 4);
        SrtcpCryptoContext context = rtcpSenders.get(ssrc);
        if (context == null) {
            if (rtcpSenders.isFull() || (context = deriveRtcp(senderFactory, ssrc)) == null) {
                return SrtpResult.MALFORMED;
            }
            rtcpSenders.put(ssrc, context);
        }
        pkt.grow(SrtpPacketShape.SRTCP_INDEX + tagLength);
        try {
            return resultOf(context.transformPacket(pkt));
        } catch (GeneralSecurityException | RuntimeException e) {
            return SrtpResult.MALFORMED;
        }
    }

    /** Drops every context and wipes the master keys; afterwards every call returns MALFORMED. */
    public void close() {
        closed = true;
        rtpSenders.clear();
        rtpReceivers.clear();
        rtcpSenders.clear();
        rtcpReceivers.clear();
        senderFactory.close();
        receiverFactory.close();
    }

    private static SrtpCryptoContext deriveRtp(SrtpContextFactory factory, int ssrc) {
        try {
            // RFC 3711 3.3.1: a new stream starts with ROC 0.
            return factory.deriveContext(ssrc, 0);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static SrtcpCryptoContext deriveRtcp(SrtpContextFactory factory, int ssrc) {
        try {
            return factory.deriveControlContext(ssrc);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static SrtpResult resultOf(SrtpErrorStatus status) {
        return switch (status) {
            case OK -> SrtpResult.OK;
            case AUTH_FAIL -> SrtpResult.AUTH_FAILED;
            case REPLAY_FAIL, REPLAY_OLD -> SrtpResult.REPLAYED;
            case INVALID_PACKET, FAIL -> SrtpResult.MALFORMED;
        };
    }
}
