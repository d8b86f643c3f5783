package io.stagecast.sfu.transport;

import io.stagecast.sfu.stun.IceCredentialLookup;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the transport a datagram belongs to: by ICE username for STUN, by remote address for
 * everything else (RFC 7983 demultiplexing shares one port among all peers).
 *
 * <p>The address map is read per packet and written only on the event loop, so it is a plain map;
 * the ufrag map is also written by signaling threads (transport creation), so it is concurrent.
 */
final class TransportRegistry implements IceCredentialLookup {
    private final Map<String, Transport> byUfrag = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Transport> byAddress = new HashMap<>();

    void register(Transport transport) {
        byUfrag.put(transport.iceParameters().ufrag(), transport);
    }

    Transport byUfrag(String ufrag) {
        return byUfrag.get(ufrag);
    }

    Transport byAddress(InetSocketAddress address) {
        return byAddress.get(address);
    }

    /**
     * Event loop only. Every address that passed a check of the transport leads to it, so DTLS and
     * SRTP are accepted from any of them (RFC 8445 allows a peer to use any valid pair until it
     * settles). A peer that reuses an address for a new transport takes it over from the old one.
     */
    void addAddress(Transport transport, InetSocketAddress address) {
        byAddress.put(address, transport);
    }

    /** Event loop only. */
    void removeAddress(Transport transport, InetSocketAddress address) {
        if (byAddress.get(address) == transport) {
            byAddress.remove(address);
        }
    }

    /** Event loop only. */
    void unregister(Transport transport) {
        byUfrag.remove(transport.iceParameters().ufrag(), transport);
        for (InetSocketAddress address : transport.validatedAddresses()) {
            removeAddress(transport, address);
        }
    }

    int size() {
        return byUfrag.size();
    }

    /** A weakly consistent view: safe to iterate while transports come and go. */
    Iterable<Transport> all() {
        return byUfrag.values();
    }

    @Override
    public String localPassword(String localUfrag) {
        Transport transport = byUfrag.get(localUfrag);
        return transport == null ? null : transport.iceParameters().password();
    }
}
