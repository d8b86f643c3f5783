package io.stagecast.sfu.srtp;

import io.stagecast.sfu.buffer.PacketBuffer;
import java.security.GeneralSecurityException;

/**
 * SRTP and SRTCP for one transport (one DTLS association): our local keys protect what we send,
 * the peer's keys unprotect what we receive (RFC 5764 4.2).
 *
 * <p>Session keys are derived once per direction at construction (RFC 3711 4.3, key derivation rate
 * 0, so they do not depend on the SSRC); the per-packet transforms ({@link PacketProtection}) run on
 * JDK primitives (AES/ECB, SHA-1, the GHASH intrinsic) without allocating. Per SSRC we keep only
 * the index and replay state, in allocation-free maps, at most {@link #MAX_SSRCS_PER_DIRECTION} per
 * direction and protocol. A receive stream is kept only once a packet has authenticated through it,
 * so unauthenticated packets cannot use up that budget. A send stream refuses to protect a second,
 * different packet under an index it used ({@link SrtpResult#INDEX_REUSED}).
 *
 * <p>Owned by one thread; not thread-safe. Packets are transformed in place. A packet that fails
 * to unprotect may have been partly modified and must be dropped.
 */
public final class SrtpTransformer {
    /** Cap on SSRCs per direction and protocol: far above what one WebRTC peer uses. */
    public static final int MAX_SSRCS_PER_DIRECTION = 64;

    private final int tagLength;
    private final PacketProtection rtpOut;
    private final PacketProtection rtpIn;
    private final PacketProtection rtcpOut;
    private final PacketProtection rtcpIn;
    private final SsrcContexts<RtpStreamIndex> rtpSenders = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    private final SsrcContexts<RtpStreamIndex> rtpReceivers = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    private final SsrcContexts<SrtcpIndexCounter> rtcpSenders = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    private final SsrcContexts<ReplayWindow> rtcpReceivers = new SsrcContexts<>(MAX_SSRCS_PER_DIRECTION);
    /** State for a receive SSRC not yet authenticated; adopted into the map by its first good packet. */
    private RtpStreamIndex spareRtpReceiver = new RtpStreamIndex();
    private ReplayWindow spareRtcpReceiver = new ReplayWindow();
    private boolean closed;
    /** Keys the plaintext fingerprints of sent packets, so no one can aim for a collision. */

    /**
     * @throws IllegalStateException if the JDK lacks AES or SHA-1 (it never does), or the keys do
     *     not fit the profile
     */
    public SrtpTransformer(SrtpMasterKeys keys) {
        SrtpProfile profile = keys.profile();
        this.tagLength = profile.tagLength;
        try {
            SrtpKeyDerivation local = new SrtpKeyDerivation(keys.localKey(), keys.localSalt());
            SrtpKeyDerivation remote = new SrtpKeyDerivation(keys.remoteKey(), keys.remoteSalt());
            this.rtpOut = protection(profile, local, false);
            this.rtcpOut = protection(profile, local, true);
            this.rtpIn = protection(profile, remote, false);
            this.rtcpIn = protection(profile, remote, true);
            local.close();
            remote.close();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot set up " + profile + " session keys", e);
        }
    }

    private static PacketProtection protection(SrtpProfile profile, SrtpKeyDerivation kdf, boolean rtcp)
            throws GeneralSecurityException {
        int encryption = rtcp ? SrtpKeyDerivation.RTCP_ENCRYPTION : SrtpKeyDerivation.RTP_ENCRYPTION;
        int salt = rtcp ? SrtpKeyDerivation.RTCP_SALT : SrtpKeyDerivation.RTP_SALT;
        byte[] key = kdf.derive(encryption, profile.keyLength);
        byte[] sessionSalt = kdf.derive(salt, profile.saltLength);
        return switch (profile) {
            // RFC 7714 14.2: GCM authenticates by itself, no HMAC key.
            case AEAD_AES_128_GCM -> new AesGcmProtection(key, sessionSalt);
            // RFC 3711 4.3.2 / RFC 5764 4.1.2: 160-bit HMAC-SHA1 session key.
            case AES_CM_128_HMAC_SHA1_80 -> new AesCmHmacSha1Protection(key, sessionSalt,
                    kdf.derive(rtcp ? SrtpKeyDerivation.RTCP_AUTHENTICATION : SrtpKeyDerivation.RTP_AUTHENTICATION,
                            HmacSha1.LENGTH));
        };
    }

    /** Verifies and decrypts an SRTP packet in place (RFC 3711 3.3); on OK the tag is gone. */
    public SrtpResult unprotectRtp(PacketBuffer pkt) {
        byte[] buf = pkt.getBuffer();
        int off = pkt.getOffset();
        int len = pkt.getLength();
        int header = SrtpPacketShape.rtpHeaderLength(buf, off, len, tagLength);
        if (closed || header < 0) {
            return SrtpResult.MALFORMED;
        }
        int ssrc = SrtpPacketShape.readInt(buf, off + 8);
        RtpStreamIndex stream = rtpReceivers.get(ssrc);
        boolean fresh = stream == null;
        if (fresh) {
            if (rtpReceivers.isFull()) {
                return SrtpResult.MALFORMED;
            }
            stream = spareRtpReceiver;
            stream.window.reset();
        }
        long index = stream.estimate(SrtpPacketShape.readShort(buf, off + 2));
        if (index < 0 || stream.window.isReplay(index)) {
            return SrtpResult.REPLAYED;
        }
        if (!rtpIn.unprotectRtp(buf, off, len, header, ssrc, index)) {
            return SrtpResult.AUTH_FAILED;
        }
        stream.window.accept(index);
        pkt.setLength(len - tagLength);
        if (fresh) {
            rtpReceivers.put(ssrc, stream);
            spareRtpReceiver = new RtpStreamIndex();
        }
        return SrtpResult.OK;
    }

    /** Encrypts an RTP packet in place and appends the tag (RFC 3711 3.3, RFC 7714 8.2). */
    public SrtpResult protectRtp(PacketBuffer pkt) {
        int len = pkt.getLength();
        int header = SrtpPacketShape.rtpHeaderLength(pkt.getBuffer(), pkt.getOffset(), len, 0);
        if (closed || header < 0) {
            return SrtpResult.MALFORMED;
        }
        int off = pkt.getOffset();
        int ssrc = SrtpPacketShape.readInt(pkt.getBuffer(), off + 8);
        RtpStreamIndex stream = rtpSenders.get(ssrc);
        if (stream == null) {
            if (rtpSenders.isFull()) {
                return SrtpResult.MALFORMED;
            }
            stream = new RtpStreamIndex(true);
            rtpSenders.put(ssrc, stream);
        }
        long index = stream.estimate(SrtpPacketShape.readShort(pkt.getBuffer(), off + 2));
        if (index < 0) {
            return SrtpResult.MALFORMED;
        }
        // A no-op for pooled buffers, which keep PacketBuffer.TAIL_ROOM spare; may replace the array.
        pkt.grow(tagLength);
        int protectedLength = rtpOut.protectRtp(pkt.getBuffer(), off, len, header, ssrc, index);
        if (protectedLength < 0) {
            return SrtpResult.MALFORMED;
        }
        // One index, one packet: the tag just computed stands for the whole packet, and one that
        // differs from the tag this index had is refused before anything leaves (ProtectedIndexLog).
        if (!stream.protectedLog.admit(index, ProtectedIndexLog.tagPrint(pkt.getBuffer(), off + protectedLength - tagLength))) {
            // Nothing of the refused ciphertext stays behind for a careless caller to send.
            java.util.Arrays.fill(pkt.getBuffer(), off, off + protectedLength, (byte) 0);
            return SrtpResult.INDEX_REUSED;
        }
        // Only the highest index matters for a sender: it anchors the rollover counter estimate.
        stream.window.accept(index);
        pkt.setLength(protectedLength);
        return SrtpResult.OK;
    }

    /** Verifies and decrypts an SRTCP packet in place (RFC 3711 3.4); on OK index and tag are gone. */
    public SrtpResult unprotectRtcp(PacketBuffer pkt) {
        byte[] buf = pkt.getBuffer();
        int off = pkt.getOffset();
        int len = pkt.getLength();
        if (closed || !SrtpPacketShape.isRtcp(buf, off, len, SrtpPacketShape.SRTCP_INDEX + tagLength)) {
            return SrtpResult.MALFORMED;
        }
        int ssrc = SrtpPacketShape.readInt(buf, off + 4);
        ReplayWindow window = rtcpReceivers.get(ssrc);
        boolean fresh = window == null;
        if (fresh) {
            if (rtcpReceivers.isFull()) {
                return SrtpResult.MALFORMED;
            }
            window = spareRtcpReceiver;
            window.reset();
        }
        int flaggedIndex = SrtpPacketShape.readInt(buf, off + rtcpIn.srtcpIndexOffset(len));
        if (window.isReplay(flaggedIndex & 0x7FFFFFFF)) {
            return SrtpResult.REPLAYED;
        }
        if (!rtcpIn.unprotectRtcp(buf, off, len, ssrc, flaggedIndex)) {
            return SrtpResult.AUTH_FAILED;
        }
        window.accept(flaggedIndex & 0x7FFFFFFF);
        pkt.setLength(len - SrtpPacketShape.SRTCP_INDEX - tagLength);
        if (fresh) {
            rtcpReceivers.put(ssrc, window);
            spareRtcpReceiver = new ReplayWindow();
        }
        return SrtpResult.OK;
    }

    /** Encrypts a (compound) RTCP packet in place and appends index and tag (RFC 3711 3.4). */
    public SrtpResult protectRtcp(PacketBuffer pkt) {
        int off = pkt.getOffset();
        int len = pkt.getLength();
        if (closed || !SrtpPacketShape.isRtcp(pkt.getBuffer(), off, len, 0)) {
            return SrtpResult.MALFORMED;
        }
        int ssrc = SrtpPacketShape.readInt(pkt.getBuffer(), off + 4);
        SrtcpIndexCounter counter = rtcpSenders.get(ssrc);
        if (counter == null) {
            if (rtcpSenders.isFull()) {
                return SrtpResult.MALFORMED;
            }
            counter = new SrtcpIndexCounter();
            rtcpSenders.put(ssrc, counter);
        }
        pkt.grow(SrtpPacketShape.SRTCP_INDEX + tagLength);
        int protectedLength = rtcpOut.protectRtcp(pkt.getBuffer(), off, len, ssrc, counter.next());
        if (protectedLength < 0) {
            return SrtpResult.MALFORMED;
        }
        pkt.setLength(protectedLength);
        return SrtpResult.OK;
    }

    /** Drops every stream; afterwards every call returns MALFORMED. */
    public void close() {
        closed = true;
        rtpSenders.clear();
        rtpReceivers.clear();
        rtcpSenders.clear();
        rtcpReceivers.clear();
    }
}
