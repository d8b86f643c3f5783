package io.stagecast.signaling.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One RTP payload format of a media section: its a=rtpmap (RFC 8866 6.6), a=fmtp (6.15) and
 * a=rtcp-fb lines (RFC 4585 4.2). The fmtp line is kept raw (so odd forms such as RED's
 * "111/111" survive); {@link #getFmtpParameters()} reads it as key=value pairs.
 */
public final class Codec {

    /** rtx (RFC 4588 8.1): the retransmission format, tied to its media format by fmtp apt=. */
    public static final String RTX = "rtx";

    private int payloadType;
    private String name;
    private int clockRate;
    private int channels;
    private String fmtp;
    private final List<RtcpFeedback> rtcpFeedback = new ArrayList<>();

    /**
     * @param channels the encoding parameter of the rtpmap (2 for "opus/48000/2"), 0 when the
     *                 rtpmap has none
     */
    public Codec(int payloadType, String name, int clockRate, int channels) {
        this.payloadType = payloadType;
        this.name = Objects.requireNonNull(name, "name");
        this.clockRate = clockRate;
        this.channels = channels;
    }

    /** An rtx format for the given media payload type (RFC 4588 8.1). */
    public static Codec rtx(int payloadType, int clockRate, int associatedPayloadType) {
        Codec rtx = new Codec(payloadType, RTX, clockRate, 0);
        rtx.setFmtp("apt=" + associatedPayloadType);
        return rtx;
    }

    public int getPayloadType() {
        return payloadType;
    }

    public void setPayloadType(int payloadType) {
        this.payloadType = payloadType;
    }

    /** The encoding name as written ("opus", "VP8", "rtx"); compare ignoring case. */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public int getClockRate() {
        return clockRate;
    }

    public void setClockRate(int clockRate) {
        this.clockRate = clockRate;
    }

    /** The rtpmap encoding parameter (audio channels), 0 when absent. */
    public int getChannels() {
        return channels;
    }

    public void setChannels(int channels) {
        this.channels = channels;
    }

    /** The raw a=fmtp value after the payload type, or null when there is no fmtp line. */
    public String getFmtp() {
        return fmtp;
    }

    public void setFmtp(String fmtp) {
        this.fmtp = fmtp;
    }

    /**
     * The fmtp value as ordered key=value pairs split on ";" (a part without "=" maps to "").
     * Empty when there is no fmtp line.
     */
    public Map<String, String> getFmtpParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        if (fmtp == null) {
            return params;
        }
        for (String part : fmtp.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                params.put(p, "");
            } else {
                params.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
            }
        }
        return Collections.unmodifiableMap(params);
    }

    /** Replaces the fmtp line with these parameters, written as "k=v;k=v" (no fmtp line if empty). */
    public void setFmtpParameters(Map<String, String> params) {
        if (params.isEmpty()) {
            fmtp = null;
            return;
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(e.getKey());
            if (!e.getValue().isEmpty()) {
                b.append('=').append(e.getValue());
            }
        }
        fmtp = b.toString();
    }

    /** The a=rtcp-fb values of this payload type in order; a live, mutable list. */
    public List<RtcpFeedback> getRtcpFeedback() {
        return rtcpFeedback;
    }

    public boolean hasRtcpFeedback(String type, String subtype) {
        return rtcpFeedback.contains(new RtcpFeedback(type, subtype));
    }

    public boolean isRtx() {
        return RTX.equalsIgnoreCase(name);
    }

    /** For an rtx format, the media payload type it retransmits (fmtp "apt", RFC 4588 8.1). */
    public OptionalInt getAssociatedPayloadType() {
        String apt = getFmtpParameters().get("apt");
        int pt = apt == null ? -1 : SdpNumbers.parseIntOrMinusOne(apt, 0, 127);
        return pt < 0 ? OptionalInt.empty() : OptionalInt.of(pt);
    }

    String rtpmapValue() {
        String value = payloadType + " " + name + "/" + clockRate;
        return channels > 0 ? value + "/" + channels : value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Codec c
                && payloadType == c.payloadType
                && clockRate == c.clockRate
                && channels == c.channels
                && name.equals(c.name)
                && Objects.equals(fmtp, c.fmtp)
                && rtcpFeedback.equals(c.rtcpFeedback);
    }

    @Override
    public int hashCode() {
        return Objects.hash(payloadType, name, clockRate, channels, fmtp, rtcpFeedback);
    }

    @Override
    public String toString() {
        return "Codec[" + rtpmapValue() + (fmtp == null ? "" : " fmtp " + fmtp) + " fb " + rtcpFeedback + "]";
    }
}
