package io.stagecast.signaling.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The SDP files under src/test/resources/sdp (see the README there for how they were captured). */
final class CapturedSdp {

    static final String PUBLISH_OFFER = "chromium-publish-offer.sdp";
    static final String SIMULCAST_OFFER = "chromium-simulcast-offer.sdp";
    static final String RECVONLY_OFFER = "chromium-recvonly-offer.sdp";
    static final String SUBSCRIBER_ANSWER = "chromium-subscriber-answer.sdp";
    static final String SFU_OFFER = "sfu-offer-to-subscriber.sdp";
    static final String FIREFOX_OFFER = "firefox-style-offer.sdp";
    static final String GSTREAMER_WHIP_OFFER = "gstreamer-whip-offer.sdp";
    static final String FIREFOX_MAX_BUNDLE_OFFER = "firefox-max-bundle-offer.sdp";
    static final String FIREFOX_SIMULCAST_OFFER = "firefox-simulcast-offer.sdp";
    static final String FIREFOX_RECVONLY_OFFER = "firefox-recvonly-offer.sdp";

    static final List<String> ALL = List.of(PUBLISH_OFFER, SIMULCAST_OFFER, RECVONLY_OFFER, SUBSCRIBER_ANSWER,
            SFU_OFFER, FIREFOX_OFFER, GSTREAMER_WHIP_OFFER, FIREFOX_MAX_BUNDLE_OFFER, FIREFOX_SIMULCAST_OFFER,
            FIREFOX_RECVONLY_OFFER);

    private CapturedSdp() {
    }

    static String read(String name) {
        try (InputStream in = CapturedSdp.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource sdp/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SessionDescription parse(String name) throws SdpParseException {
        return SessionDescription.parse(read(name));
    }
}
