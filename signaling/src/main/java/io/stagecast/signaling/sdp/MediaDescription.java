package io.stagecast.signaling.sdp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One m-section (RFC 8866 5.14) with the attributes WebRTC uses typed, and every other attribute
 * kept in {@link #getOtherAttributes()}. All lists are live and mutable. ICE, fingerprint and
 * setup may be absent here and given at session level instead (Firefox puts the fingerprint
 * there): use {@link SessionDescription#fingerprintOf(MediaDescription)} and friends to resolve.
 */
public final class MediaDescription {

    private String kind;
    private int port;
    private String protocol;
    private final List<String> formats = new ArrayList<>();
    private Connection connection;
    private final List<String> bandwidths = new ArrayList<>();
    private final List<String> otherLines = new ArrayList<>();
    private String rtcp;
    private String iceUfrag;
    private String icePwd;
    private final List<String> iceOptions = new ArrayList<>();
    private Fingerprint fingerprint;
    private Setup setup;
    private String mid;
    private final List<HeaderExtension> extensions = new ArrayList<>();
    private Direction direction;
    private final List<Msid> msids = new ArrayList<>();
    private boolean rtcpMux;
    private boolean rtcpRsize;
    private final List<Codec> codecs = new ArrayList<>();
    private final List<SsrcGroup> ssrcGroups = new ArrayList<>();
    private final List<SsrcAttribute> ssrcAttributes = new ArrayList<>();
    private final List<Rid> rids = new ArrayList<>();
    private Simulcast simulcast;
    private final List<Candidate> candidates = new ArrayList<>();
    private boolean endOfCandidates;
    private final List<Attribute> otherAttributes = new ArrayList<>();

    /**
     * @param kind     "audio", "video" or "application"
     * @param protocol e.g. "UDP/TLS/RTP/SAVPF" (RFC 8834 4.1)
     */
    public MediaDescription(String kind, int port, String protocol) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.port = port;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public int getPort() {
        return port;
    }

    /** Port 0 rejects (or stops) the m-section (RFC 8829 5.3.1). */
    public void setPort(int port) {
        this.port = port;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setProtocol(String protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    /** Whether the formats are RTP payload types (the protocol is an RTP profile). */
    public boolean isRtp() {
        return protocol.contains("RTP/");
    }

    /** The m= line formats in order: payload types for RTP, e.g. "webrtc-datachannel" for SCTP. */
    public List<String> getFormats() {
        return formats;
    }

    /** The m= line formats as payload types, for an RTP m-section (the parser checked they are numbers). */
    public List<Integer> getPayloadTypes() {
        List<Integer> pts = new ArrayList<>();
        for (String f : formats) {
            int pt = SdpNumbers.parseIntOrMinusOne(f, 0, 127);
            if (pt >= 0) {
                pts.add(pt);
            }
        }
        return pts;
    }

    public Connection getConnection() {
        return connection;
    }

    public void setConnection(Connection connection) {
        this.connection = connection;
    }

    /** b= values ("AS:2000", "TIAS:128000"). */
    public List<String> getBandwidths() {
        return bandwidths;
    }

    /** Whole i= and k= lines, kept verbatim. */
    public List<String> getOtherLines() {
        return otherLines;
    }

    /** The a=rtcp value (RFC 3605), e.g. "9 IN IP4 0.0.0.0", or null. */
    public String getRtcp() {
        return rtcp;
    }

    public void setRtcp(String rtcp) {
        this.rtcp = rtcp;
    }

    public String getIceUfrag() {
        return iceUfrag;
    }

    public void setIceUfrag(String iceUfrag) {
        this.iceUfrag = iceUfrag;
    }

    public String getIcePwd() {
        return icePwd;
    }

    public void setIcePwd(String icePwd) {
        this.icePwd = icePwd;
    }

    /** a=ice-options tokens, e.g. "trickle". */
    public List<String> getIceOptions() {
        return iceOptions;
    }

    public Fingerprint getFingerprint() {
        return fingerprint;
    }

    public void setFingerprint(Fingerprint fingerprint) {
        this.fingerprint = fingerprint;
    }

    public Setup getSetup() {
        return setup;
    }

    public void setSetup(Setup setup) {
        this.setup = setup;
    }

    public String getMid() {
        return mid;
    }

    public void setMid(String mid) {
        this.mid = mid;
    }

    /** a=extmap lines in order. */
    public List<HeaderExtension> getExtensions() {
        return extensions;
    }

    public Optional<HeaderExtension> findExtension(String uri) {
        for (HeaderExtension e : extensions) {
            if (e.uri().equals(uri)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The direction attribute, or sendrecv when none is given (RFC 8866 6.7). */
    public Direction getDirection() {
        return direction == null ? Direction.SENDRECV : direction;
    }

    /** The direction attribute as written, or null when the section has none. */
    public Direction getDeclaredDirection() {
        return direction;
    }

    public void setDirection(Direction direction) {
        this.direction = direction;
    }

    /** a=msid lines (RFC 8830); usually one. */
    public List<Msid> getMsids() {
        return msids;
    }

    /** The first a=msid, or null. */
    public Msid getMsid() {
        return msids.isEmpty() ? null : msids.get(0);
    }

    public boolean isRtcpMux() {
        return rtcpMux;
    }

    public void setRtcpMux(boolean rtcpMux) {
        this.rtcpMux = rtcpMux;
    }

    public boolean isRtcpRsize() {
        return rtcpRsize;
    }

    public void setRtcpRsize(boolean rtcpRsize) {
        this.rtcpRsize = rtcpRsize;
    }

    /** Codecs with an a=rtpmap, in the order of their rtpmap lines. */
    public List<Codec> getCodecs() {
        return codecs;
    }

    public Optional<Codec> findCodec(int payloadType) {
        for (Codec c : codecs) {
            if (c.getPayloadType() == payloadType) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The first codec (in preference order) with this encoding name, ignoring case. */
    public Optional<Codec> findCodec(String name) {
        for (Codec c : codecs) {
            if (c.getName().equalsIgnoreCase(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** All codecs with this encoding name, ignoring case (H264 appears once per profile). */
    public List<Codec> findCodecs(String name) {
        List<Codec> found = new ArrayList<>();
        for (Codec c : codecs) {
            if (c.getName().equalsIgnoreCase(name)) {
                found.add(c);
            }
        }
        return found;
    }

    /** The rtx codec whose apt is this media payload type (RFC 4588 8.1). */
    public Optional<Codec> findRtxFor(int associatedPayloadType) {
        for (Codec c : codecs) {
            if (c.isRtx() && c.getAssociatedPayloadType().orElse(-1) == associatedPayloadType) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public List<SsrcGroup> getSsrcGroups() {
        return ssrcGroups;
    }

    /** a=ssrc lines in order. */
    public List<SsrcAttribute> getSsrcAttributes() {
        return ssrcAttributes;
    }

    /** The SSRCs named by a=ssrc lines, each once, in order of first appearance. */
    public List<Long> getSsrcs() {
        Set<Long> ssrcs = new LinkedHashSet<>();
        for (SsrcAttribute a : ssrcAttributes) {
            ssrcs.add(a.ssrc());
        }
        return new ArrayList<>(ssrcs);
    }

    /** The value of one source attribute ("cname", "msid") of an SSRC. */
    public Optional<String> findSsrcAttribute(long ssrc, String name) {
        for (SsrcAttribute a : ssrcAttributes) {
            if (a.ssrc() == ssrc && a.name().equals(name)) {
                return Optional.ofNullable(a.value());
            }
        }
        return Optional.empty();
    }

    /** The RTX SSRC paired with a media SSRC by an "FID" group (RFC 5576 4.2, RFC 4588 8.1). */
    public OptionalLong findRtxSsrc(long mediaSsrc) {
        for (SsrcGroup g : ssrcGroups) {
            if (g.semantics().equals(SsrcGroup.FID) && g.ssrcs().size() >= 2 && g.ssrcs().get(0) == mediaSsrc) {
                return OptionalLong.of(g.ssrcs().get(1));
            }
        }
        return OptionalLong.empty();
    }

    public List<Rid> getRids() {
        return rids;
    }

    public Simulcast getSimulcast() {
        return simulcast;
    }

    public void setSimulcast(Simulcast simulcast) {
        this.simulcast = simulcast;
    }

    public List<Candidate> getCandidates() {
        return candidates;
    }

    public boolean isEndOfCandidates() {
        return endOfCandidates;
    }

    public void setEndOfCandidates(boolean endOfCandidates) {
        this.endOfCandidates = endOfCandidates;
    }

    /**
     * Whether the offer marks this m-section {@code a=bundle-only} (RFC 8843 6): it has port 0
     * yet is not rejected, because it is to use the transport of its BUNDLE group's first
     * m-section. Firefox and GStreamer's webrtcbin offer every m-section after the first this way
     * with {@code bundlePolicy: 'max-bundle'}.
     */
    public boolean isBundleOnly() {
        for (Attribute a : otherAttributes) {
            if (a.name().equals("bundle-only")) {
                return true;
            }
        }
        return false;
    }

    /** Attributes not typed above, in order, written verbatim. */
    public List<Attribute> getOtherAttributes() {
        return otherAttributes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaDescription m
                && port == m.port && rtcpMux == m.rtcpMux && rtcpRsize == m.rtcpRsize
                && endOfCandidates == m.endOfCandidates
                && kind.equals(m.kind) && protocol.equals(m.protocol) && formats.equals(m.formats)
                && Objects.equals(connection, m.connection) && bandwidths.equals(m.bandwidths)
                && otherLines.equals(m.otherLines) && Objects.equals(rtcp, m.rtcp)
                && Objects.equals(iceUfrag, m.iceUfrag) && Objects.equals(icePwd, m.icePwd)
                && iceOptions.equals(m.iceOptions) && Objects.equals(fingerprint, m.fingerprint)
                && setup == m.setup && Objects.equals(mid, m.mid) && extensions.equals(m.extensions)
                && direction == m.direction && msids.equals(m.msids) && codecs.equals(m.codecs)
                && ssrcGroups.equals(m.ssrcGroups) && ssrcAttributes.equals(m.ssrcAttributes)
                && rids.equals(m.rids) && Objects.equals(simulcast, m.simulcast)
                && candidates.equals(m.candidates) && otherAttributes.equals(m.otherAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, port, protocol, formats, mid, codecs, ssrcAttributes, candidates);
    }

    @Override
    public String toString() {
        return "MediaDescription[" + kind + " mid=" + mid + " " + getDirection().sdpName() + " "
                + protocol + " " + formats + "]";
    }
}
