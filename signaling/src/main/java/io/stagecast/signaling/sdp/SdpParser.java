package io.stagecast.signaling.sdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * Reads one session description. Line order follows RFC 8866 5 where it matters (v, o, s first;
 * session lines before the first m=); within a section attributes may come in any order.
 * Everything is validated before it is stored, so errors name the line and never escape as
 * anything but {@link SdpParseException}.
 */
final class SdpParser {

    private static final long MAX_SSRC = 0xFFFF_FFFFL;

    private final String sdp;
    private final SessionDescription session = new SessionDescription();
    private final Set<String> mids = new HashSet<>();
    private int lineNumber;
    private MediaDescription media;
    /** fmtp and rtcp-fb lines of the current m-section, tied to codecs once all rtpmaps are known. */
    private final List<CodecLine> codecLines = new ArrayList<>();

    private record CodecLine(int lineNumber, String name, int payloadType, String value) {
    }

    SdpParser(String sdp) {
        this.sdp = sdp;
    }

    SessionDescription parse() throws SdpParseException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpParseException(0, "the SDP is empty");
        }
        if (sdp.length() > SessionDescription.MAX_LENGTH) {
            throw new SdpParseException(0, "the SDP has " + sdp.length() + " characters, more than the "
                    + SessionDescription.MAX_LENGTH + " allowed");
        }
        boolean sawTiming = false;
        int expected = 'v';   // then 'o', 's', then 0 (free order)
        int start = 0;
        while (start < sdp.length()) {
            int end = sdp.indexOf('\n', start);
            if (end < 0) {
                end = sdp.length();
            }
            String line = sdp.substring(start, end > start && sdp.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            checkLineShape(line);
            char type = line.charAt(0);
            String value = line.substring(2);
            if (expected != 0) {
                if (type != expected) {
                    throw error("expected a " + (char) expected + "= line here (RFC 8866 5 order: v, o, s), got '"
                            + SdpTokens.excerpt(line) + "'");
                }
                switch (type) {
                    case 'v' -> {
                        if (!value.equals("0")) {
                            throw error("unsupported SDP version '" + SdpTokens.excerpt(value) + "', expected v=0");
                        }
                        expected = 'o';
                    }
                    case 'o' -> {
                        parseOrigin(value);
                        expected = 's';
                    }
                    default -> {
                        session.setSessionName(value);
                        expected = 0;
                    }
                }
                continue;
            }
            if (type == 'm') {
                finishMedia();
                startMedia(value);
                continue;
            }
            if (media == null) {
                sawTiming |= parseSessionLine(type, value, line, sawTiming);
            } else {
                parseMediaLine(type, value, line);
            }
        }
        if (expected != 0) {
            throw new SdpParseException(0, "the SDP ends before its " + (char) expected + "= line");
        }
        if (!sawTiming) {
            throw new SdpParseException(0, "missing t= line (RFC 8866 5.9)");
        }
        if (media == null) {
            throw new SdpParseException(0, "no m= section");
        }
        finishMedia();
        return session;
    }

    private void checkLineShape(String line) throws SdpParseException {
        if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
            throw error("not an SDP line of the form <letter>=<value>: '" + SdpTokens.excerpt(line) + "'");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw error("control character 0x" + Integer.toHexString(c) + " in line");
            }
        }
    }

    private void parseOrigin(String value) throws SdpParseException {
        String[] t = SdpTokens.split(value);
        if (t.length != 6) {
            throw error("o= needs '<username> <sess-id> <sess-version> <nettype> <addrtype> <address>'");
        }
        if (t[1].length() > 32 || !t[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw error("o= session id must be up to 32 digits, got '" + SdpTokens.excerpt(t[1]) + "'");
        }
        long version = SdpNumbers.parseLongOrMinusOne(t[2], 0, Long.MAX_VALUE);
        if (version < 0) {
            throw error("o= session version must be a number, got '" + SdpTokens.excerpt(t[2]) + "'");
        }
        session.setOriginUsername(t[0]);
        session.setOriginSessionId(t[1]);
        session.setOriginSessionVersion(version);
        session.setOriginAddress(t[3], t[4], t[5]);
    }

    /** @return whether the line was the t= line */
    private boolean parseSessionLine(char type, String value, String line, boolean sawTiming)
            throws SdpParseException {
        switch (type) {
            case 't' -> {
                if (sawTiming) {
                    throw error("more than one t= line (repeated times are not used by WebRTC)");
                }
                String[] t = SdpTokens.split(value);
                if (t.length != 2 || SdpNumbers.parseLongOrMinusOne(t[0], 0, Long.MAX_VALUE) < 0
                        || SdpNumbers.parseLongOrMinusOne(t[1], 0, Long.MAX_VALUE) < 0) {
                    throw error("t= needs '<start-time> <stop-time>' as numbers, got '" + SdpTokens.excerpt(value) + "'");
                }
                session.setTiming(t[0] + " " + t[1]);
                return true;
            }
            case 'c' -> {
                if (session.getConnection() != null) {
                    throw error("more than one session-level c= line");
                }
                session.setConnection(parseConnection(value));
            }
            case 'b' -> session.getBandwidths().add(parseBandwidth(value));
            case 'i', 'u', 'e', 'p', 'r', 'z', 'k' -> session.getOtherLines().add(line);
            case 'a' -> parseSessionAttribute(value);
            default -> throw error("'" + type + "=' is not an SDP line type allowed at session level");
        }
        return false;
    }

    private void parseMediaLine(char type, String value, String line) throws SdpParseException {
        switch (type) {
            case 'c' -> {
                if (media.getConnection() != null) {
                    throw error("more than one c= line in an m-section");
                }
                media.setConnection(parseConnection(value));
            }
            case 'b' -> media.getBandwidths().add(parseBandwidth(value));
            case 'i', 'k' -> media.getOtherLines().add(line);
            case 'a' -> parseMediaAttribute(value);
            default -> throw error("'" + type + "=' is not allowed inside an m-section (RFC 8866 5)");
        }
    }

    private Connection parseConnection(String value) throws SdpParseException {
        String[] t = SdpTokens.split(value);
        if (t.length != 3) {
            throw error("c= needs '<nettype> <addrtype> <address>', got '" + SdpTokens.excerpt(value) + "'");
        }
        return new Connection(t[0], t[1], t[2]);
    }

    private String parseBandwidth(String value) throws SdpParseException {
        int colon = value.indexOf(':');
        if (colon <= 0 || SdpNumbers.parseLongOrMinusOne(value.substring(colon + 1), 0, Long.MAX_VALUE) < 0) {
            throw error("b= needs '<bwtype>:<number>', got '" + SdpTokens.excerpt(value) + "'");
        }
        return value;
    }

    private void startMedia(String value) throws SdpParseException {
        if (session.getMedia().size() == SessionDescription.MAX_MEDIA_SECTIONS) {
            throw error("more than " + SessionDescription.MAX_MEDIA_SECTIONS + " m-sections");
        }
        String[] t = SdpTokens.split(value);
        if (t.length < 4) {
            throw error("m= needs '<media> <port> <proto> <fmt> ...', got '" + SdpTokens.excerpt(value) + "'");
        }
        int port = SdpNumbers.parseIntOrMinusOne(t[1], 0, 65535);
        if (port < 0) {
            throw error("m= port must be a number from 0 to 65535, got '" + SdpTokens.excerpt(t[1]) + "'");
        }
        media = new MediaDescription(t[0], port, t[2]);
        for (int i = 3; i < t.length; i++) {
            if (media.isRtp() && SdpNumbers.parseIntOrMinusOne(t[i], 0, 127) < 0) {
                throw error("m= payload type must be a number from 0 to 127, got '" + SdpTokens.excerpt(t[i]) + "'");
            }
            media.getFormats().add(t[i]);
        }
        session.getMedia().add(media);
    }

    private void finishMedia() throws SdpParseException {
        if (media == null) {
            return;
        }
        for (CodecLine line : codecLines) {
            Codec codec = media.findCodec(line.payloadType).orElse(null);
            if (codec == null) {
                // No rtpmap: meaningless to us, but kept so an echo loses nothing.
                media.getOtherAttributes().add(new Attribute(line.name, line.payloadType + " " + line.value));
            } else if (line.name.equals("fmtp")) {
                if (codec.getFmtp() != null) {
                    throw new SdpParseException(line.lineNumber, "second a=fmtp for payload type " + line.payloadType);
                }
                codec.setFmtp(line.value);
            } else {
                String[] t = SdpTokens.split(line.value);
                String subtype = t.length > 1 ? String.join(" ", Arrays.copyOfRange(t, 1, t.length)) : null;
                codec.getRtcpFeedback().add(new RtcpFeedback(t[0], subtype));
            }
        }
        codecLines.clear();
    }

    private void parseSessionAttribute(String text) throws SdpParseException {
        int colon = text.indexOf(':');
        String name = attributeName(text, colon);
        String value = colon < 0 ? null : text.substring(colon + 1);
        if (parseTransportAttribute(name, value, session.getIceUfrag(), session.getIcePwd(),
                session.getFingerprint(), session.getSetup(), session.getIceOptions(), true)) {
            return;
        }
        switch (name) {
            case "group" -> {
                String[] t = tokens(name, value, 1, Integer.MAX_VALUE);
                session.getGroups().add(new Group(t[0], List.of(Arrays.copyOfRange(t, 1, t.length))));
            }
            case "ice-lite" -> {
                if (value == null) {
                    session.setIceLite(true);
                } else {
                    session.getOtherAttributes().add(new Attribute(name, value));
                }
            }
            case "extmap-allow-mixed" -> {
                if (value == null) {
                    session.setExtmapAllowMixed(true);
                } else {
                    session.getOtherAttributes().add(new Attribute(name, value));
                }
            }
            case "msid-semantic" -> {
                if (session.getMsidSemantic() != null) {
                    throw error("more than one a=msid-semantic");
                }
                String[] t = tokens(name, value, 1, Integer.MAX_VALUE);
                session.setMsidSemantic(new MsidSemantic(t[0], List.of(Arrays.copyOfRange(t, 1, t.length))));
            }
            default -> session.getOtherAttributes().add(new Attribute(name, value));
        }
    }

    private void parseMediaAttribute(String text) throws SdpParseException {
        int colon = text.indexOf(':');
        String name = attributeName(text, colon);
        String value = colon < 0 ? null : text.substring(colon + 1);
        if (parseTransportAttribute(name, value, media.getIceUfrag(), media.getIcePwd(),
                media.getFingerprint(), media.getSetup(), media.getIceOptions(), false)) {
            return;
        }
        Direction direction = value == null ? Direction.fromSdp(name) : null;
        if (direction != null) {
            if (media.getDeclaredDirection() != null) {
                throw error("more than one direction attribute in an m-section");
            }
            media.setDirection(direction);
            return;
        }
        switch (name) {
            case "rtcp" -> {
                String[] t = tokens(name, value, 1, 4);
                if (SdpNumbers.parseIntOrMinusOne(t[0], 0, 65535) < 0) {
                    throw error("a=rtcp port must be a number from 0 to 65535, got '" + SdpTokens.excerpt(t[0]) + "'");
                }
                media.setRtcp(String.join(" ", t));
            }
            case "mid" -> parseMid(value);
            case "extmap" -> parseExtmap(value);
            case "msid" -> {
                String[] t = tokens(name, value, 1, 2);
                media.getMsids().add(new Msid(t[0], t.length > 1 ? t[1] : null));
            }
            case "rtcp-mux" -> flagOrOther(name, value, () -> media.setRtcpMux(true));
            case "rtcp-rsize" -> flagOrOther(name, value, () -> media.setRtcpRsize(true));
            case "end-of-candidates" -> flagOrOther(name, value, () -> media.setEndOfCandidates(true));
            case "rtpmap" -> parseRtpmap(value);
            case "fmtp", "rtcp-fb" -> parseCodecLine(name, value);
            case "ssrc" -> parseSsrc(value);
            case "ssrc-group" -> {
                String[] t = tokens(name, value, 2, Integer.MAX_VALUE);
                List<Long> ssrcs = new ArrayList<>();
                for (int i = 1; i < t.length; i++) {
                    ssrcs.add(ssrc(t[i]));
                }
                media.getSsrcGroups().add(new SsrcGroup(t[0], ssrcs));
            }
            case "rid" -> parseRid(value);
            case "simulcast" -> parseSimulcast(value);
            case "candidate" -> {
                requireValue(name, value);
                media.getCandidates().add(Candidate.parseValue(value, lineNumber));
            }
            default -> media.getOtherAttributes().add(new Attribute(name, value));
        }
    }

    /**
     * ICE credentials, fingerprint and setup, valid at session and media level alike.
     * @return whether the attribute was one of them
     */
    private boolean parseTransportAttribute(String name, String value, String ufrag, String pwd,
                                            Fingerprint fingerprint, Setup setup, List<String> iceOptions,
                                            boolean sessionLevel) throws SdpParseException {
        switch (name) {
            case "ice-ufrag" -> {
                String v = tokens(name, value, 1, 1)[0];
                if (ufrag != null) {
                    throw error("more than one a=ice-ufrag");
                }
                if (sessionLevel) {
                    session.setIceUfrag(v);
                } else {
                    media.setIceUfrag(v);
                }
            }
            case "ice-pwd" -> {
                String v = tokens(name, value, 1, 1)[0];
                if (pwd != null) {
                    throw error("more than one a=ice-pwd");
                }
                if (sessionLevel) {
                    session.setIcePwd(v);
                } else {
                    media.setIcePwd(v);
                }
            }
            case "ice-options" -> iceOptions.addAll(List.of(tokens(name, value, 1, Integer.MAX_VALUE)));
            case "fingerprint" -> {
                String[] t = tokens(name, value, 2, 2);
                Fingerprint parsed = new Fingerprint(t[0], t[1]);
                if (fingerprint != null) {
                    // RFC 8122 5 allows one per hash function; the first is the typed one.
                    otherAttributes(sessionLevel).add(new Attribute(name, parsed.sdpValue()));
                } else if (sessionLevel) {
                    session.setFingerprint(parsed);
                } else {
                    media.setFingerprint(parsed);
                }
            }
            case "setup" -> {
                String v = tokens(name, value, 1, 1)[0];
                Setup parsed = Setup.fromSdp(v);
                if (parsed == null) {
                    throw error("a=setup must be actpass, active, passive or holdconn, got '" + SdpTokens.excerpt(v) + "'");
                }
                if (setup != null) {
                    throw error("more than one a=setup");
                }
                if (sessionLevel) {
                    session.setSetup(parsed);
                } else {
                    media.setSetup(parsed);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private List<Attribute> otherAttributes(boolean sessionLevel) {
        return sessionLevel ? session.getOtherAttributes() : media.getOtherAttributes();
    }

    private void parseMid(String value) throws SdpParseException {
        String mid = tokens("mid", value, 1, 1)[0];
        if (media.getMid() != null) {
            throw error("more than one a=mid in an m-section");
        }
        if (!mids.add(mid)) {
            throw error("mid '" + SdpTokens.excerpt(mid) + "' is used by two m-sections (RFC 5888 4)");
        }
        media.setMid(mid);
    }

    private void parseExtmap(String value) throws SdpParseException {
        String[] t = tokens("extmap", value, 2, Integer.MAX_VALUE);
        int slash = t[0].indexOf('/');
        String idText = slash < 0 ? t[0] : t[0].substring(0, slash);
        int id = SdpNumbers.parseIntOrMinusOne(idText, 1, 4351);
        // RFC 8285 5: 1-14 one-byte, up to 255 two-byte, 4096-4351 only for negotiation.
        if (id < 0 || (id > 255 && id < 4096)) {
            throw error("a=extmap id must be 1-255 or 4096-4351, got '" + SdpTokens.excerpt(idText) + "'");
        }
        Direction direction = null;
        if (slash >= 0) {
            direction = Direction.fromSdp(t[0].substring(slash + 1));
            if (direction == null) {
                throw error("a=extmap direction must be sendrecv, sendonly, recvonly or inactive, got '"
                        + SdpTokens.excerpt(t[0].substring(slash + 1)) + "'");
            }
        }
        for (HeaderExtension e : media.getExtensions()) {
            if (e.id() == id) {
                throw error("a=extmap id " + id + " is used twice in one m-section (RFC 8285 5)");
            }
        }
        String attributes = t.length > 2 ? String.join(" ", Arrays.copyOfRange(t, 2, t.length)) : null;
        media.getExtensions().add(new HeaderExtension(id, direction, t[1], attributes));
    }

    private void parseRtpmap(String value) throws SdpParseException {
        String[] t = tokens("rtpmap", value, 2, 2);
        int pt = payloadType(t[0]);
        String[] encoding = t[1].split("/", -1);
        if (encoding.length < 2 || encoding.length > 3 || encoding[0].isEmpty()) {
            throw error("a=rtpmap needs '<payload type> <name>/<clock rate>[/<channels>]', got '"
                    + SdpTokens.excerpt(value) + "'");
        }
        int clockRate = SdpNumbers.parseIntOrMinusOne(encoding[1], 1, Integer.MAX_VALUE);
        if (clockRate < 0) {
            throw error("a=rtpmap clock rate must be a positive number, got '" + SdpTokens.excerpt(encoding[1]) + "'");
        }
        int channels = 0;
        if (encoding.length == 3) {
            channels = SdpNumbers.parseIntOrMinusOne(encoding[2], 1, 255);
            if (channels < 0) {
                throw error("a=rtpmap channels must be a number from 1 to 255, got '"
                        + SdpTokens.excerpt(encoding[2]) + "'");
            }
        }
        if (media.findCodec(pt).isPresent()) {
            throw error("second a=rtpmap for payload type " + pt);
        }
        media.getCodecs().add(new Codec(pt, encoding[0], clockRate, channels));
    }

    private void parseCodecLine(String name, String value) throws SdpParseException {
        String[] t = tokens(name, value, 2, Integer.MAX_VALUE);
        if (!media.isRtp() || (name.equals("rtcp-fb") && t[0].equals("*"))) {
            // SCTP fmtp and wildcard feedback (RFC 4585 4.2) are not codec-specific: keep verbatim.
            media.getOtherAttributes().add(new Attribute(name, value));
            return;
        }
        codecLines.add(new CodecLine(lineNumber, name, payloadType(t[0]), SdpTokens.afterFirst(value)));
    }

    private void parseSsrc(String value) throws SdpParseException {
        String[] t = tokens("ssrc", value, 2, Integer.MAX_VALUE);
        long ssrc = ssrc(t[0]);
        String attribute = SdpTokens.afterFirst(value);
        int colon = attribute.indexOf(':');
        String attrName = colon < 0 ? attribute : attribute.substring(0, colon);
        if (attrName.isEmpty() || !SdpTokens.split(attrName)[0].equals(attrName)) {
            throw error("a=ssrc needs '<ssrc> <attribute>[:<value>]', got '" + SdpTokens.excerpt(value) + "'");
        }
        media.getSsrcAttributes().add(new SsrcAttribute(ssrc, attrName, colon < 0 ? null : attribute.substring(colon + 1)));
    }

    private void parseRid(String value) throws SdpParseException {
        String[] t = tokens("rid", value, 2, 3);
        String id = ridId(t[0]);
        Rid.Direction direction = Rid.Direction.fromSdp(t[1]);
        if (direction == null) {
            throw error("a=rid direction must be send or recv, got '" + SdpTokens.excerpt(t[1]) + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (t.length == 3) {
            for (String part : t[2].split(";")) {
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq);
                String v = eq < 0 ? "" : part.substring(eq + 1);
                if (key.isEmpty() || (eq >= 0 && v.isEmpty()) || params.containsKey(key)) {
                    throw error("a=rid restriction '" + SdpTokens.excerpt(part) + "' is empty or repeated");
                }
                if (key.equals("pt")) {
                    for (String pt : v.split(",", -1)) {
                        payloadType(pt);
                    }
                }
                params.put(key, v);
            }
        }
        for (Rid rid : media.getRids()) {
            if (rid.id().equals(id)) {
                throw error("a=rid '" + id + "' is given twice");
            }
        }
        media.getRids().add(new Rid(id, direction, params));
    }

    private void parseSimulcast(String value) throws SdpParseException {
        if (media.getSimulcast() != null) {
            throw error("more than one a=simulcast in an m-section");
        }
        String[] t = tokens("simulcast", value, 2, 4);
        List<List<Simulcast.Stream>> send = null;
        List<List<Simulcast.Stream>> recv = null;
        if (t.length == 3) {
            throw error("a=simulcast needs 'send <streams>' and/or 'recv <streams>' (RFC 8853 5.1)");
        }
        for (int i = 0; i < t.length; i += 2) {
            if (t[i].equals("send") && send == null) {
                send = simulcastStreams(t[i + 1]);
            } else if (t[i].equals("recv") && recv == null) {
                recv = simulcastStreams(t[i + 1]);
            } else {
                throw error("a=simulcast direction must be send or recv, once each, got '"
                        + SdpTokens.excerpt(t[i]) + "'");
            }
        }
        media.setSimulcast(new Simulcast(send == null ? List.of() : send, recv == null ? List.of() : recv));
    }

    private List<List<Simulcast.Stream>> simulcastStreams(String list) throws SdpParseException {
        List<List<Simulcast.Stream>> streams = new ArrayList<>();
        for (String alternatives : list.split(";", -1)) {
            List<Simulcast.Stream> stream = new ArrayList<>();
            for (String id : alternatives.split(",", -1)) {
                boolean paused = id.startsWith("~");
                stream.add(new Simulcast.Stream(ridId(paused ? id.substring(1) : id), paused));
            }
            streams.add(stream);
        }
        return streams;
    }

    private String ridId(String id) throws SdpParseException {
        boolean ok = !id.isEmpty() && id.length() <= 255;
        for (int i = 0; ok && i < id.length(); i++) {
            char c = id.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        }
        if (!ok) {
            throw error("rid id must be letters, digits, '-' or '_' (RFC 8851 10), got '" + SdpTokens.excerpt(id) + "'");
        }
        return id;
    }

    private void flagOrOther(String name, String value, Runnable setFlag) {
        if (value == null) {
            setFlag.run();
        } else {
            media.getOtherAttributes().add(new Attribute(name, value));
        }
    }

    private String attributeName(String text, int colon) throws SdpParseException {
        String name = colon < 0 ? text : text.substring(0, colon);
        if (name.isEmpty() || name.indexOf(' ') >= 0 || name.indexOf('\t') >= 0) {
            throw error("bad attribute name in 'a=" + SdpTokens.excerpt(text) + "'");
        }
        return name;
    }

    private void requireValue(String name, String value) throws SdpParseException {
        if (value == null || value.isBlank()) {
            throw error("a=" + name + " needs a value");
        }
    }

    private String[] tokens(String name, String value, int min, int max) throws SdpParseException {
        requireValue(name, value);
        String[] t = SdpTokens.split(value);
        if (t.length < min || t.length > max) {
            throw error("a=" + name + " has " + t.length + " fields, expected "
                    + (min == max ? String.valueOf(min) : max == Integer.MAX_VALUE ? "at least " + min
                    : min + " to " + max) + ": '" + SdpTokens.excerpt(value) + "'");
        }
        return t;
    }

    private int payloadType(String text) throws SdpParseException {
        int pt = SdpNumbers.parseIntOrMinusOne(text, 0, 127);
        if (pt < 0) {
            throw error("payload type must be a number from 0 to 127, got '" + SdpTokens.excerpt(text) + "'");
        }
        return pt;
    }

    private long ssrc(String text) throws SdpParseException {
        long ssrc = SdpNumbers.parseLongOrMinusOne(text, 0, MAX_SSRC);
        if (ssrc < 0) {
            throw error("SSRC must be a 32-bit unsigned number, got '" + SdpTokens.excerpt(text) + "'");
        }
        return ssrc;
    }

    private SdpParseException error(String reason) {
        return new SdpParseException(lineNumber, reason);
    }
}
