package io.stagecast.sfu.dtls;

import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target: the DTLS entry of a server transport. The input is a flight of datagrams (each a
 * 16-bit length, then its bytes); as in the node, the first one must look like a ClientHello
 * ({@link ClientHelloSniffer}) before a handshake starts; then BouncyCastle's server (record
 * layer, handshake reassembly of fragmented messages, our {@link DtlsSrtpServer}'s extension
 * checks) reads them all. Any outcome but an exception outside {@link IOException} is fine:
 * a crafted flight may fail the handshake, never the node.
 */
public final class DtlsEntryFuzzTarget {
    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();
    private static final CertificateFingerprint PEER = CertificateFingerprint.parse(CertificateFingerprint.SHA_256,
            DtlsCertificate.generate().fingerprintHex());

    private DtlsEntryFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        List<byte[]> flight = new ArrayList<>();
        int at = 0;
        while (at + 2 <= data.length && flight.size() < 16) {
            int len = Math.min(((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF), data.length - at - 2);
            byte[] datagram = new byte[len];
            System.arraycopy(data, at + 2, datagram, 0, len);
            flight.add(datagram);
            at += 2 + len;
        }
        if (flight.isEmpty() || !ClientHelloSniffer.isClientHello(flight.get(0), 0, flight.get(0).length)) {
            return; // the node never starts a handshake for it
        }
        DtlsSrtpServer server = new DtlsSrtpServer(CERTIFICATE, new DtlsSrtpPeer(PEER), 1000);
        try {
            new DTLSServerProtocol().accept(server, new Flight(flight));
        } catch (IOException expected) {
            // a handshake that fails, or runs out of datagrams: what a bad peer gets
        }
    }

    /** Hands out the flight, then ends: no wait, no retransmission timer outlives the input. */
    private static final class Flight implements DatagramTransport {
        private final List<byte[]> datagrams;
        private int next;

        Flight(List<byte[]> datagrams) {
            this.datagrams = datagrams;
        }

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1400;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (next >= datagrams.size()) {
                throw new IOException("end of the flight");
            }
            byte[] d = datagrams.get(next++);
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            // what the server answers goes nowhere
        }

        @Override
        public void close() {
        }
    }
}
