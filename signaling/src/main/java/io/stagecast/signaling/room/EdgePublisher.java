package io.stagecast.signaling.room;

import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.srtp.SrtpMasterKeys;
import io.stagecast.sfu.srtp.SrtpProfile;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportListener;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.media.PublishNegotiation;
import io.stagecast.signaling.media.TransportDescription;
import io.stagecast.signaling.relay.RelayWire;
import io.stagecast.signaling.sdp.SessionDescription;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A WHIP encoder connected to this node for another node's room (issue 14, item 3: a publisher
 * at an edge sends to its edge, which relays to the origin and, from there, to the other edges).
 * Its media here: the transport towards the encoder (ICE, DTLS, SRTP and the transport-wide
 * feedback its congestion control needs, as on any node), a producer per track in the edge
 * room's router, and an uplink, a relay transport of its own (socket, keys) towards the origin,
 * which carries each track once as the encoder sent it (a {@code RelayConsumer} per producer:
 * NACKs and keyframe requests from the origin are answered or passed on here). At the origin the
 * uplink's other end is the encoder's publishing transport in the room ({@code Room.edgePublish}),
 * so the stage's rules, mutes and removals act there, for every node at once; this node's own
 * viewers get the tracks back over the room's relay like everyone else's (one round trip between
 * the nodes more, in exchange for one place that decides). Negotiated before the origin is
 * asked, started once it agreed; its monitor is the {@link EdgeRoom}'s.
 */
final class EdgePublisher {
    private final Transport transport;
    private final Transport uplink;
    private final SrtpMasterKeys keys = SrtpMasterKeys.random(SrtpProfile.AEAD_AES_128_GCM);
    private final PublishNegotiation.Result negotiated;
    private final List<Producer> producers = new ArrayList<>();
    private boolean closed;

    private EdgePublisher(Transport transport, Transport uplink, PublishNegotiation.Result negotiated) {
        this.transport = transport;
        this.uplink = uplink;
        this.negotiated = negotiated;
    }

    /**
     * The encoder's offer answered here and its uplink's socket opened; nothing is sent until
     * {@link #start}. {@code gone} runs (on a media loop) when either transport closes.
     */
    static EdgePublisher negotiate(MediaNode node, SessionDescription offer, Consumer<EdgePublisher> gone)
            throws SignalingException {
        EdgePublisher[] made = new EdgePublisher[1];
        TransportListener listener = new TransportListener() {
            @Override
            public void onClosed(Transport t, String reason) {
                if (made[0] != null) {
                    gone.accept(made[0]);
                }
            }
        };
        Transport transport = node.createTransport(listener);
        Transport uplink = null;
        try {
            PublishNegotiation.Result result = PublishNegotiation.answer(offer, TransportDescription.of(transport, node));
            uplink = node.createRelayTransport(listener, true);
            made[0] = new EdgePublisher(transport, uplink, result);
            return made[0];
        } catch (SignalingException e) {
            transport.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            transport.close();
            throw new SignalingException(SignalingException.Code.UNAVAILABLE, "interrupted");
        }
    }

    /** What the origin is asked: put the holder of {@code token} on stage with these tracks, sent from our uplink. */
    RelayWire.Publisher ask(String token, String nodeId, String host) {
        List<ProducerSpec> specs = new ArrayList<>();
        for (PublishNegotiation.Track track : negotiated.tracks()) {
            specs.add(track.spec());
        }
        return new RelayWire.Publisher(token, RelayWire.Open.of(nodeId, host, uplink.localPort(), keys), specs);
    }

    /** The origin agreed: its end of the uplink connected, the encoder's tracks produced here and relayed there. */
    void start(Router router, RelayWire.Published origin) throws UnknownHostException {
        uplink.connectRelay(new InetSocketAddress(InetAddress.getByName(origin.host()), origin.port()), keys);
        transport.setRemoteDtls(negotiated.remoteDtls());
        transport.setPublishAllowed(true);
        for (PublishNegotiation.Track track : negotiated.tracks()) {
            Producer producer = router.createProducer(transport, track.spec());
            producers.add(producer);
            router.createRelayConsumer(uplink, producer);
        }
    }

    /** The answer for the encoder (RFC 9725 4.2). */
    String answer() {
        return negotiated.answer().write();
    }

    boolean uses(Transport t) {
        return t == transport || t == uplink;
    }

    /** Idempotent: the producers (and with them the relaying consumers) and both transports end. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        producers.forEach(Producer::close);
        transport.close();
        uplink.close();
    }
}
