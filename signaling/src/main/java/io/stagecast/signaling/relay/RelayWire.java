package io.stagecast.signaling.relay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the relay's control channel (docs/api.md, "Relays"). Records, read and written by
 * Jackson; the SRTP keys in Base64, as the origin is to use them.
 */
public final class RelayWire {
    public static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RelayWire() {
    }

    /**
     * An edge asks for a relay of a room's stage.
     *
     * @param node    the asking node's id in the cluster (its media host must be one it registered)
     * @param host    where the origin sends: the edge's media address
     * @param port    the edge's relay socket
     * @param profile an SRTP profile name ({@link SrtpProfile})
     * @param key     the origin's master key for what it sends, Base64; {@code salt} likewise
     * @param peerKey the edge's, for what the origin receives; {@code peerSalt} likewise
     */
    public record Open(String node, String host, int port, String profile, String key, String salt,
                       String peerKey, String peerSalt) {
        /** {@code keys} as the asking end uses them, sent for the other end. */
        public static Open of(String node, String host, int port, SrtpMasterKeys keys) {
            SrtpMasterKeys theirs = keys.mirrored();
            Base64.Encoder b64 = Base64.getEncoder();
            return new Open(node, host, port, theirs.profile().name(), b64.encodeToString(theirs.localKey()),
                    b64.encodeToString(theirs.localSalt()), b64.encodeToString(theirs.remoteKey()),
                    b64.encodeToString(theirs.remoteSalt()));
        }

        /** The keys as the receiving end (the origin) uses them; IllegalArgumentException when malformed. */
        public SrtpMasterKeys keys() {
            SrtpProfile p = SrtpProfile.valueOf(profile);
            Base64.Decoder b64 = Base64.getDecoder();
            byte[][] parts = {b64.decode(key), b64.decode(salt), b64.decode(peerKey), b64.decode(peerSalt)};
            if (parts[0].length != p.keyLength || parts[2].length != p.keyLength
                    || parts[1].length != p.saltLength || parts[3].length != p.saltLength) {
                throw new IllegalArgumentException("keys of the wrong length for " + p);
            }
            return new SrtpMasterKeys(p, parts[0], parts[1], parts[2], parts[3]);
        }
    }

    /**
     * A track the relay carries.
     *
     * @param trackId       as the room's clients see it ({@code <kind>-<producer id>})
     * @param participantId who publishes it
     * @param kind          the stage's track kind ({@code MICROPHONE}, {@code CAMERA}, {@code SCREEN})
     * @param spec          what the edge's producer of it is ({@code Producer.relaySpec()})
     */
    public record Track(String trackId, String participantId, String kind, ProducerSpec spec) {
    }

    /**
     * The origin's answer to {@link Open} and to each poll.
     *
     * @param relay  the relay's id at the origin (128 random bits; the poll and delete URL's last segment)
     * @param host   where the edge sends: the origin's media address
     * @param port   the origin's end
     * @param tracks what the relay carries now
     * @param viewers the edge's viewers the origin's room still holds ({@link Admitted#participant}
     *                ids); one admitted before the poll was sent and not listed was removed there
     *                and is ended at the edge. Null from an origin that does not say
     * @param waiting those of {@code viewers} the room holds in its lobby (the session has not
     *                started, or the waiting room): they get no media until they leave it
     * @param membership the count of changes of the room's edge participants these lists are of:
     *                   a poll that says it saw this count is answered with {@code viewers} and
     *                   {@code waiting} null (unchanged). Null from an origin that does not count
     */
    public record State(String relay, String host, int port, List<Track> tracks, List<String> viewers,
                        List<String> waiting, Long membership) {
    }

    /**
     * An edge asks the origin's room to admit a WHEP viewer before it answers the viewer's offer:
     * the room's rules (bans, lock, capacity) are the origin's, and the viewer is one of the
     * room's participants there.
     *
     * @param token the viewer's join token, as it presented it to the edge
     */
    public record Viewer(String token) {
    }

    /**
     * The origin admitted an edge's viewer as participant {@code participant}; {@code waiting}
     * when the room holds it in its lobby (no media yet: a poll's {@link State#waiting} says when
     * it may watch).
     */
    public record Admitted(String participant, boolean waiting) {
    }

    /**
     * An edge asks the origin's room to put a WHIP encoder connected at the edge on stage: the
     * room's rules are the origin's, as for {@link Viewer}, and the encoder's tracks reach the
     * origin over a relay of their own (the edge's {@code uplink} end asks as {@link Open} does;
     * the origin's answer names its end in {@link Published}).
     *
     * @param token  the encoder's join token, as it presented it to the edge
     * @param uplink where the origin's end receives from, and the keys (the edge's relay socket of this encoder)
     * @param tracks what the encoder offered, one spec per track as the edge negotiated it
     */
    public record Publisher(String token, Open uplink, List<ProducerSpec> tracks) {
    }

    /** The origin put an edge's encoder on stage as {@code participant}; its end of the uplink is {@code host:port}. */
    public record Published(String participant, String host, int port) {
    }

    /**
     * An edge's poll: for each relayed track it names ({@code trackId}), which of its streams
     * (indexed like its spec's) the edge's viewers need; the origin relays only those (the
     * lowest always). A track not named keeps what was last asked; every stream at first.
     * {@code left}: the edge's viewers ({@link Admitted#participant} ids) who left there since
     * its last answered poll; they leave the origin's room. {@code seen}: the
     * {@link State#membership} of the last answer with the lists, null for none: unchanged since,
     * the answer leaves them out (an edge of thousands of viewers is not sent them twice a second).
     */
    public record Poll(Map<String, List<Boolean>> layers, List<String> left, Long seen) {
    }

    public static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("relay JSON", e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return JSON.readValue(json, type);
    }
}
