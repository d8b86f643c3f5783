package io.stagecast.signaling.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A WebRTC session description (RFC 8866 syntax, used as in RFC 8829 JSEP): origin, session-level
 * attributes WebRTC uses (BUNDLE groups, ice-lite, extmap-allow-mixed, msid-semantic, ICE
 * credentials, fingerprint and setup when given at session level) and the m-sections.
 * Attributes and lines not typed here are kept verbatim. All lists are live and mutable.
 *
 * <p>{@link #parse(String)} checks structure and numbers, never trusts sizes, and throws only
 * {@link SdpParseException}. Whether the offer is acceptable (codecs, BUNDLE, rtcp-mux) is
 * negotiation's call, not the parser's.
 */
public final class SessionDescription {

    /** Inputs larger than this are refused before any parsing: a browser offer is ~7-10 KiB. */
    public static final int MAX_LENGTH = 64 * 1024;
    /** More m-sections than this are refused (a stage room needs a handful per peer). */
    public static final int MAX_MEDIA_SECTIONS = 64;

    private String originUsername = "-";
    private String originSessionId = "0";
    private long originSessionVersion;
    private String originNetType = "IN";
    private String originAddressType = "IP4";
    private String originAddress = "127.0.0.1";
    private String sessionName = "-";
    private String timing = "0 0";
    private Connection connection;
    private final List<String> bandwidths = new ArrayList<>();
    private final List<String> otherLines = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();
    private boolean iceLite;
    private boolean extmapAllowMixed;
    private MsidSemantic msidSemantic;
    private String iceUfrag;
    private String icePwd;
    private final List<String> iceOptions = new ArrayList<>();
    private Fingerprint fingerprint;
    private Setup setup;
    private final List<Attribute> otherAttributes = new ArrayList<>();
    private final List<MediaDescription> media = new ArrayList<>();

    /** Reads an SDP with CRLF or LF line ends. */
    public static SessionDescription parse(String sdp) throws SdpParseException {
        return new SdpParser(sdp).parse();
    }

    /** Writes the SDP with CRLF line ends, attributes in the order browsers write them. */
    public String write() {
        return SdpWriter.write(this);
    }

    /** The ICE ufrag of an m-section, falling back to the session level (RFC 8839 5.4). */
    public String iceUfragOf(MediaDescription m) {
        return m.getIceUfrag() != null ? m.getIceUfrag() : iceUfrag;
    }

    public String icePwdOf(MediaDescription m) {
        return m.getIcePwd() != null ? m.getIcePwd() : icePwd;
    }

    /** The fingerprint of an m-section, falling back to the session level (RFC 8122 5; Firefox). */
    public Fingerprint fingerprintOf(MediaDescription m) {
        return m.getFingerprint() != null ? m.getFingerprint() : fingerprint;
    }

    public Setup setupOf(MediaDescription m) {
        return m.getSetup() != null ? m.getSetup() : setup;
    }

    /** The first a=group:BUNDLE (RFC 8843 7.1). */
    public Optional<Group> findBundleGroup() {
        for (Group g : groups) {
            if (g.semantics().equals("BUNDLE")) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether an m-section takes part in the session. Port 0 alone does not say it is rejected:
     * RFC 8843 gives port 0 to the bundle-only m-sections of an offer (6) and lets an answer's
     * bundled m-sections share the first one's transport (7.3); what rejects or disables an
     * m-section is port 0 outside the BUNDLE group (RFC 8843 7.3.3, RFC 3264 6). A bundle-only
     * m-section outside every BUNDLE group has no transport to use, and is not in use either.
     */
    public boolean isInUse(MediaDescription m) {
        if (m.getPort() != 0) {
            return true;
        }
        Optional<Group> bundle = findBundleGroup();
        return m.getMid() != null && bundle.isPresent() && bundle.get().mids().contains(m.getMid());
    }

    public Optional<MediaDescription> findMedia(String mid) {
        for (MediaDescription m : media) {
            if (Objects.equals(m.getMid(), mid)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public String getOriginUsername() {
        return originUsername;
    }

    public void setOriginUsername(String originUsername) {
        this.originUsername = Objects.requireNonNull(originUsername);
    }

    /** The o= sess-id: digits, kept as text because it may exceed a long (RFC 8866 5.2). */
    public String getOriginSessionId() {
        return originSessionId;
    }

    public void setOriginSessionId(String originSessionId) {
        this.originSessionId = Objects.requireNonNull(originSessionId);
    }

    /** The o= sess-version; JSEP increments it on every new local description (RFC 8829 5.2.2). */
    public long getOriginSessionVersion() {
        return originSessionVersion;
    }

    public void setOriginSessionVersion(long originSessionVersion) {
        this.originSessionVersion = originSessionVersion;
    }

    public String getOriginNetType() {
        return originNetType;
    }

    public String getOriginAddressType() {
        return originAddressType;
    }

    public String getOriginAddress() {
        return originAddress;
    }

    public void setOriginAddress(String netType, String addressType, String address) {
        this.originNetType = Objects.requireNonNull(netType);
        this.originAddressType = Objects.requireNonNull(addressType);
        this.originAddress = Objects.requireNonNull(address);
    }

    public String getSessionName() {
        return sessionName;
    }

    public void setSessionName(String sessionName) {
        this.sessionName = Objects.requireNonNull(sessionName);
    }

    /** The t= value, "0 0" in WebRTC. */
    public String getTiming() {
        return timing;
    }

    public void setTiming(String timing) {
        this.timing = Objects.requireNonNull(timing);
    }

    /** Session-level c= line, or null. */
    public Connection getConnection() {
        return connection;
    }

    public void setConnection(Connection connection) {
        this.connection = connection;
    }

    public List<String> getBandwidths() {
        return bandwidths;
    }

    /** Whole i=, u=, e=, p=, r=, z=, k= lines, kept verbatim. */
    public List<String> getOtherLines() {
        return otherLines;
    }

    public List<Group> getGroups() {
        return groups;
    }

    public boolean isIceLite() {
        return iceLite;
    }

    public void setIceLite(boolean iceLite) {
        this.iceLite = iceLite;
    }

    public boolean isExtmapAllowMixed() {
        return extmapAllowMixed;
    }

    public void setExtmapAllowMixed(boolean extmapAllowMixed) {
        this.extmapAllowMixed = extmapAllowMixed;
    }

    public MsidSemantic getMsidSemantic() {
        return msidSemantic;
    }

    public void setMsidSemantic(MsidSemantic msidSemantic) {
        this.msidSemantic = msidSemantic;
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

    /** Session-level attributes not typed above, in order, written verbatim. */
    public List<Attribute> getOtherAttributes() {
        return otherAttributes;
    }

    public List<MediaDescription> getMedia() {
        return media;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionDescription s
                && originSessionVersion == s.originSessionVersion && iceLite == s.iceLite
                && extmapAllowMixed == s.extmapAllowMixed
                && originUsername.equals(s.originUsername) && originSessionId.equals(s.originSessionId)
                && originNetType.equals(s.originNetType) && originAddressType.equals(s.originAddressType)
                && originAddress.equals(s.originAddress) && sessionName.equals(s.sessionName)
                && timing.equals(s.timing) && Objects.equals(connection, s.connection)
                && bandwidths.equals(s.bandwidths) && otherLines.equals(s.otherLines)
                && groups.equals(s.groups) && Objects.equals(msidSemantic, s.msidSemantic)
                && Objects.equals(iceUfrag, s.iceUfrag) && Objects.equals(icePwd, s.icePwd)
                && iceOptions.equals(s.iceOptions) && Objects.equals(fingerprint, s.fingerprint)
                && setup == s.setup && otherAttributes.equals(s.otherAttributes) && media.equals(s.media);
    }

    @Override
    public int hashCode() {
        return Objects.hash(originSessionId, originSessionVersion, groups, media);
    }

    @Override
    public String toString() {
        return "SessionDescription[o=" + originSessionId + " " + originSessionVersion + " groups=" + groups
                + " media=" + media + "]";
    }
}
