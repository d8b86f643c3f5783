package io.stagecast.signaling.sdp;

import java.util.List;

/**
 * Writes a session description with CRLF line ends (RFC 8866 5) in the order Chromium writes its
 * own descriptions, which every browser accepts. Untyped attributes follow the typed ones of
 * their level (media: after rtcp-rsize, before the codecs).
 */
final class SdpWriter {

    private static final String CRLF = "\r\n";

    private final StringBuilder out = new StringBuilder(4096);

    private SdpWriter() {
    }

    static String write(SessionDescription s) {
        SdpWriter w = new SdpWriter();
        w.session(s);
        for (MediaDescription m : s.getMedia()) {
            w.media(m);
        }
        return w.out.toString();
    }

    private void session(SessionDescription s) {
        line("v=0");
        line("o=" + s.getOriginUsername() + " " + s.getOriginSessionId() + " " + s.getOriginSessionVersion() + " "
                + s.getOriginNetType() + " " + s.getOriginAddressType() + " " + s.getOriginAddress());
        line("s=" + s.getSessionName());
        for (String other : s.getOtherLines()) {
            line(other);
        }
        if (s.getConnection() != null) {
            line("c=" + s.getConnection().sdpValue());
        }
        for (String b : s.getBandwidths()) {
            line("b=" + b);
        }
        line("t=" + s.getTiming());
        if (s.isIceLite()) {
            line("a=ice-lite");
        }
        for (Group g : s.getGroups()) {
            attribute("group", g.sdpValue());
        }
        if (s.isExtmapAllowMixed()) {
            line("a=extmap-allow-mixed");
        }
        if (s.getMsidSemantic() != null) {
            attribute("msid-semantic", s.getMsidSemantic().sdpValue());
        }
        transport(s.getIceUfrag(), s.getIcePwd(), s.getIceOptions(), s.getFingerprint(), s.getSetup());
        others(s.getOtherAttributes());
    }

    private void media(MediaDescription m) {
        line("m=" + m.getKind() + " " + m.getPort() + " " + m.getProtocol() + " " + String.join(" ", m.getFormats()));
        for (String other : m.getOtherLines()) {
            line(other);
        }
        if (m.getConnection() != null) {
            line("c=" + m.getConnection().sdpValue());
        }
        for (String b : m.getBandwidths()) {
            line("b=" + b);
        }
        if (m.getRtcp() != null) {
            attribute("rtcp", m.getRtcp());
        }
        transport(m.getIceUfrag(), m.getIcePwd(), m.getIceOptions(), m.getFingerprint(), m.getSetup());
        if (m.getMid() != null) {
            attribute("mid", m.getMid());
        }
        for (HeaderExtension e : m.getExtensions()) {
            attribute("extmap", e.sdpValue());
        }
        if (m.getDeclaredDirection() != null) {
            line("a=" + m.getDeclaredDirection().sdpName());
        }
        for (Msid msid : m.getMsids()) {
            attribute("msid", msid.sdpValue());
        }
        if (m.isRtcpMux()) {
            line("a=rtcp-mux");
        }
        if (m.isRtcpRsize()) {
            line("a=rtcp-rsize");
        }
        others(m.getOtherAttributes());
        for (Codec c : m.getCodecs()) {
            attribute("rtpmap", c.rtpmapValue());
            for (RtcpFeedback fb : c.getRtcpFeedback()) {
                attribute("rtcp-fb", c.getPayloadType() + " " + fb.sdpValue());
            }
            if (c.getFmtp() != null) {
                attribute("fmtp", c.getPayloadType() + " " + c.getFmtp());
            }
        }
        for (SsrcGroup g : m.getSsrcGroups()) {
            attribute("ssrc-group", g.sdpValue());
        }
        for (SsrcAttribute a : m.getSsrcAttributes()) {
            attribute("ssrc", a.sdpValue());
        }
        for (Rid rid : m.getRids()) {
            attribute("rid", rid.sdpValue());
        }
        if (m.getSimulcast() != null) {
            attribute("simulcast", m.getSimulcast().sdpValue());
        }
        for (Candidate c : m.getCandidates()) {
            attribute("candidate", c.sdpValue());
        }
        if (m.isEndOfCandidates()) {
            line("a=end-of-candidates");
        }
    }

    private void transport(String ufrag, String pwd, List<String> iceOptions, Fingerprint fingerprint, Setup setup) {
        if (ufrag != null) {
            attribute("ice-ufrag", ufrag);
        }
        if (pwd != null) {
            attribute("ice-pwd", pwd);
        }
        if (!iceOptions.isEmpty()) {
            attribute("ice-options", String.join(" ", iceOptions));
        }
        if (fingerprint != null) {
            attribute("fingerprint", fingerprint.sdpValue());
        }
        if (setup != null) {
            attribute("setup", setup.sdpName());
        }
    }

    private void others(List<Attribute> attributes) {
        for (Attribute a : attributes) {
            line(a.sdpLine());
        }
    }

    private void attribute(String name, String value) {
        out.append("a=").append(name).append(':').append(value).append(CRLF);
    }

    private void line(String line) {
        out.append(line).append(CRLF);
    }
}
