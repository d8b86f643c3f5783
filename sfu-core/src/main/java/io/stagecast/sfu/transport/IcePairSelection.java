package io.stagecast.sfu.transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The ICE side of one transport as an ICE-lite agent sees it (RFC 8445): which of the peer's
 * addresses passed a check, which of them is the selected pair (where everything we send goes),
 * and when the peer at the selected address last proved it is alive (consent, RFC 7675).
 *
 * <p>A plain object: the transport feeds it valid checks and authenticated packets and does what
 * it decides (registering addresses for lookups, starting DTLS, closing on silence). Event loop
 * only, no allocation beyond the list of validated addresses.
 *
 * <p>Proof of life: consent's own rule is an authenticated Binding request; browsers send them,
 * but an ICE-lite agent sends no checks of its own, and libnice (GStreamer) keeps a pair alive with
 * Binding indications (RFC 8445 11) instead, which carry no MESSAGE-INTEGRITY: anyone who can spoof
 * the peer's source address could forge them and keep our stream flowing at a victim. So
 * indications do not count; SRTP/SRTCP that passes authentication from the selected address does
 * ({@link #onProofOfLife}): only the holder of the DTLS association's keys can make it, the replay
 * window refuses recorded copies, and a live libnice peer sends RTCP reports (or media) every few
 * seconds whatever it publishes. A dead peer sends neither and is freed on time.
 */
final class IcePairSelection {
    /**
     * Remote addresses that passed a check and may send us DTLS and SRTP. A browser checks one pair
     * per local candidate (host IPv4/IPv6, server-reflexive, relayed): a handful; the oldest
     * unselected one makes room for a new one.
     */
    static final int MAX_VALIDATED_ADDRESSES = 8;
    /**
     * A nomination of lower priority than the selected pair's is followed only once the selected
     * pair has been silent this long: then it is a network change, not the tail of aggressive
     * nomination (Firefox nominates every pair it checks, ~20 ms apart, best first or not).
     */
    static final long FOLLOW_LOWER_PRIORITY_AFTER_NANOS = 2_000_000_000L;

    /**
     * ICE-TCP connections (RFC 6544) a check arrived on: one per pair the peer tried over TCP,
     * like {@link #MAX_VALIDATED_ADDRESSES}; the oldest unselected one is closed for a new one.
     */
    static final int MAX_TCP_CONNECTIONS = 4;

    /** The selected pair's remote address, null before the first valid check. */
    private InetSocketAddress selected;
    /** The ICE-TCP connection of the selected pair, null when it is a UDP pair. */
    private IceTcpConnection selectedTcp;
    /** Whether {@link #selected} was nominated (USE-CANDIDATE), and with what PRIORITY. */
    private boolean nominated;
    private long priority;
    /** Every address that passed a check, {@link #selected} included. */
    private final ArrayList<InetSocketAddress> validated = new ArrayList<>(MAX_VALIDATED_ADDRESSES);
    /** The ICE-TCP connections a check passed on, {@link #selectedTcp} included. */
    private final ArrayList<IceTcpConnection> tcpConnections = new ArrayList<>(MAX_TCP_CONNECTIONS);
    /** Proof of life from {@link #selected}: a valid check, or authenticated SRTP/SRTCP. */
    private long lastProofOfLifeNanos;

    IcePairSelection(long nowNanos) {
        this.lastProofOfLifeNanos = nowNanos;
    }

    /** Where everything we send goes; null until a check passed. */
    InetSocketAddress selected() {
        return selected;
    }

    /** The selected pair's ICE-TCP connection, or null when it is UDP (everything we send goes there). */
    IceTcpConnection selectedTcp() {
        return selectedTcp;
    }

    /** Whether a packet from {@code source} (over {@code tcp}, null for UDP) came on the selected pair. */
    boolean isSelected(InetSocketAddress source, IceTcpConnection tcp) {
        return tcp == selectedTcp && source.equals(selected);
    }

    /** The addresses the transport accepts DTLS and SRTP from. */
    List<InetSocketAddress> validated() {
        return validated;
    }

    /**
     * Adds {@code source} to the validated addresses, making room by dropping the oldest
     * unselected one when full; the caller registers {@code source} for lookups either way (an
     * address claimed again may have been taken over by a newer transport of a peer that reused it).
     *
     * @return the address dropped to make room, for the caller to unregister, or null
     */
    InetSocketAddress admit(InetSocketAddress source) {
        return admit(validated, source, selected, MAX_VALIDATED_ADDRESSES);
    }

    /**
     * Adds an ICE-TCP connection a check passed on; when full, the oldest unselected one makes room.
     *
     * @return the connection dropped to make room, for the caller to close, or null
     */
    IceTcpConnection admitTcp(IceTcpConnection tcp) {
        return admit(tcpConnections, tcp, selectedTcp, MAX_TCP_CONNECTIONS);
    }

    /** Adds {@code item} to {@code list} unless there; when full, the oldest one that is not {@code keep} makes room (returned). */
    private static <T> T admit(List<T> list, T item, T keep, int cap) {
        if (list.contains(item)) {
            return null;
        }
        T dropped = null;
        if (list.size() >= cap) {
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).equals(keep)) {
                    dropped = list.remove(i);
                    break;
                }
            }
        }
        list.add(item);
        return dropped;
    }

    /** An ICE-TCP connection closed: forgotten (it stays selected until another pair is, or consent ends). */
    void onTcpClosed(IceTcpConnection tcp) {
        tcpConnections.remove(tcp);
    }

    List<IceTcpConnection> tcpConnections() {
        return tcpConnections;
    }

    /**
     * A valid binding request from {@code source} (already authenticated by the responder), with
     * its PRIORITY attribute, over UDP ({@code tcp} null) or on an ICE-TCP connection; {@code source}
     * (or {@code tcp}) was {@link #admit admitted} first.
     *
     * <p>Selection (RFC 8445 8.1.1, 7.3.1.5): before any nomination the first address that passed a
     * check is used, so DTLS can start; a nominated pair replaces an unnominated one; among
     * nominated pairs the highest priority wins, whatever the order the nominations arrive in. Our
     * side of every pair is the same candidate (one socket), so pair priority (RFC 8445 6.1.2.3)
     * grows with the peer's candidate priority alone: comparing PRIORITY attributes orders pairs.
     * An equal priority is followed: that is the peer renominating after a network change (a new
     * port of the same kind), as browsers and {@code SyntheticPeer.moveToNewPort} do; a lower one
     * only once the selected pair has gone quiet ({@link #FOLLOW_LOWER_PRIORITY_AFTER_NANOS}).
     * A check from the selected address (after the decision) is proof of life. A TCP pair competes
     * like any other: a browser's TCP candidates have a lower PRIORITY than its UDP ones (RFC 6544
     * 4.2), so it is selected only when the peer nominates it, i.e. when no UDP pair works.
     */
    void onValidCheck(InetSocketAddress source, IceTcpConnection tcp, boolean useCandidate, long checkPriority,
                      long nowNanos) {
        if (selected == null) {
            select(source, tcp, useCandidate, checkPriority);
        } else if (useCandidate) {
            boolean same = isSelected(source, tcp);
            if (!nominated || checkPriority > priority
                    || (checkPriority == priority && !same)
                    || (!same && nowNanos - lastProofOfLifeNanos > FOLLOW_LOWER_PRIORITY_AFTER_NANOS)) {
                select(source, tcp, true, checkPriority);
            }
        }
        if (isSelected(source, tcp)) {
            lastProofOfLifeNanos = nowNanos;
        }
    }

    private void select(InetSocketAddress source, IceTcpConnection tcp, boolean isNominated, long checkPriority) {
        selected = source;
        selectedTcp = tcp;
        nominated = isNominated;
        priority = isNominated ? checkPriority : 0;
    }

    /** A packet from the selected address passed SRTP/SRTCP authentication (see the class comment). */
    void onProofOfLife(long nowNanos) {
        lastProofOfLifeNanos = nowNanos;
    }

    /**
     * Starts the wait for the peer over: used when the peer only now learns how to reach us (its
     * answer), so its time to connect starts there and not when the transport was created.
     */
    void restartWait(long nowNanos) {
        lastProofOfLifeNanos = nowNanos;
    }

    /** How long the selected address (or, before one, the peer) has given no proof of life. */
    long silentNanos(long nowNanos) {
        return nowNanos - lastProofOfLifeNanos;
    }

    /** Forgets every validated address and connection (the transport unregistered or closed them); the selection stays for logs. */
    void clearValidated() {
        validated.clear();
        tcpConnections.clear();
    }
}
