package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.transport.RetransmissionBudget;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.rtcp.ReportBlock;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.transport.Transport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.stagecast.sfu.client.LoopbackNode.eventually;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8 item 16 at the UDP level: one viewer floods the node with oversized NACKs (100 packets a
 * second, each naming its last 300 sequence numbers) for 10 s while three others watch the same
 * 1.3 Mbit/s stream. The others' latency stays low (p99 under 50 ms) and what the flooder gets back
 * in retransmissions stays within its budget: a quarter of its stream, plus the floor, plus a burst.
 */
class NackFloodTest {
    private static final int PUBLISHED_SSRC = 0x4444;
    private static final int RTX_SSRC_BASE = 0x6000;
    private static final int PACKETS_PER_SECOND = 150;
    private static final int PAYLOAD = 1100;
    private static final long FLOOD_NANOS = 10_000_000_000L;
    private static final int NACKS_PER_SECOND = 100;
    private static final int SEQS_PER_NACK = 300;

    /** What one viewer saw. */
    private static final class Viewer {
        final SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT);
        final int ssrc;
        final long[] latencies = new long[PACKETS_PER_SECOND * 30];
        volatile int count;
        final AtomicLong rtxBytes = new AtomicLong();
        final int[] recentSeqs = new int[SEQS_PER_NACK];
        volatile int received;
        Transport transport;

        Viewer(int ssrc) {
            this.ssrc = ssrc;
            peer.setRtpListener((rtp, nanos) -> {
                if (rtp.ssrc() == ssrc) {
                    long sent = readLong(rtp.buffer(), rtp.payloadOffset() + 6);
                    int n = count;
                    if (n < latencies.length) {
                        latencies[n] = nanos - sent;
                        count = n + 1;
                    }
                    recentSeqs[received % SEQS_PER_NACK] = rtp.sequenceNumber();
                    received++;
                } else {
                    rtxBytes.addAndGet(rtp.length());
                }
            });
        }

        long p99Nanos() {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return sorted.length == 0 ? Long.MAX_VALUE : sorted[(int) Math.floor(sorted.length * 0.99)];
        }
    }

    @Test
    void oneViewersNackFloodLeavesTheOthersOnTimeAndStaysWithinItsBudget() throws Exception {
        List<Viewer> viewers = new ArrayList<>();
        try (LoopbackNode loopback = new LoopbackNode(MediaConfig.loopback());
             SyntheticPeer publisher = new SyntheticPeer(DtlsRole.CLIENT)) {
            Transport publisherTransport = loopback.connected(publisher);
            publisherTransport.setPublishAllowed(true);
            Router router = loopback.node.createRouter("flood");
            CodecSpec vp8 = new CodecSpec("VP8", 96, 90000, 0, "", 97, List.of("nack", "nack pli"));
            Producer producer = router.createProducer(publisherTransport,
                    new ProducerSpec(MediaKind.VIDEO, "1", vp8, List.of(new StreamSpec(PUBLISHED_SSRC, null)), Map.of()));
            for (int i = 0; i < 4; i++) {
                Viewer viewer = new Viewer(0x5000 + i);
                viewers.add(viewer);
                viewer.transport = loopback.connected(viewer.peer);
                router.createConsumer(viewer.transport, producer, new ConsumerSpec(viewer.ssrc, RTX_SSRC_BASE + i, 96, 97, Map.of()));
            }
            LoopbackNode.settle(publisherTransport, viewers.get(0).transport, viewers.get(1).transport,
                    viewers.get(2).transport, viewers.get(3).transport);
            Viewer flooder = viewers.get(0);

            AtomicLong publishedBytes = new AtomicLong();
            Thread publishing = new Thread(() -> publish(publisher, publishedBytes), "flood-test-publisher");
            publishing.start();
            eventually("every viewer receives", () -> viewers.stream().allMatch(v -> v.received > 20));
            // The same viewers' latency without a flood, on this machine now: what the flood adds is measured against it.
            for (Viewer v : viewers) {
                v.count = 0;
            }
            Thread.sleep(3_000);
            long[] baseline = new long[viewers.size()];
            for (int i = 1; i < viewers.size(); i++) {
                baseline[i] = viewers.get(i).p99Nanos();
            }
            for (Viewer v : viewers) {
                v.count = 0; // latency counted from here: what the flood does to it
            }
            long publishedBeforeFlood = publishedBytes.get();
            long rtxBeforeFlood = flooder.rtxBytes.get();

            long floodStart = System.nanoTime();
            flood(flooder);
            long floodSeconds = (System.nanoTime() - floodStart + 999_999_999L) / 1_000_000_000L;
            publishing.interrupt();
            publishing.join(5_000);
            Thread.sleep(200); // answers still on their way

            for (int i = 1; i < viewers.size(); i++) {
                Viewer v = viewers.get(i);
                long p99 = v.p99Nanos();
                // The bar is 50 ms. On a machine so busy (other test runs) that these viewers
                // miss it even without a flood, the flood may at most double their baseline.
                long limit = Math.max(50_000_000L, 2 * baseline[i]);
                System.out.printf("nack flood: viewer %x got %d packets, p99 latency %.1f ms (%.1f ms before the flood)%n",
                        v.ssrc, v.count, p99 / 1e6, baseline[i] / 1e6);
                assertTrue(v.count >= PACKETS_PER_SECOND * 9, "viewer " + Integer.toHexString(v.ssrc) + " kept receiving: " + v.count);
                assertTrue(p99 < limit, "viewer " + Integer.toHexString(v.ssrc) + " p99 latency " + p99 / 1e6
                        + " ms during the flood, " + baseline[i] / 1e6 + " ms before it");
            }
            long rtx = flooder.rtxBytes.get() - rtxBeforeFlood;
            long media = publishedBytes.get() - publishedBeforeFlood;
            long budget = RetransmissionBudget.BURST_BYTES + media / RetransmissionBudget.SHARE_DIVISOR
                    + RetransmissionBudget.FLOOR_BYTES_PER_SECOND * (floodSeconds + 1);
            System.out.printf("nack flood: the flooder got %d bytes of retransmissions for %d bytes of media; budget %d%n",
                    rtx, media, budget);
            assertTrue(rtx <= budget, "the flooder's retransmissions " + rtx + " B exceed its budget " + budget + " B");
            assertTrue(rtx > 0, "a flooder is still answered within its budget");
        } finally {
            for (Viewer v : viewers) {
                v.peer.close();
            }
        }
    }

    /** 150 packets a second of 1100 bytes; each payload carries its send time after the VP8 descriptor. */
    private static void publish(SyntheticPeer publisher, AtomicLong publishedBytes) {
        byte[] payload = new byte[PAYLOAD];
        payload[0] = 0x10;
        long interval = 1_000_000_000L / PACKETS_PER_SECOND;
        long next = System.nanoTime();
        for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
            payload[1] = (byte) (i == 0 || i % 300 == 0 ? 0x00 : 0x01); // a keyframe now and then
            writeLong(payload, 6, System.nanoTime());
            if (publisher.sendRtp(PUBLISHED_SSRC, 96, 5000 + i, 3000L * (i / 5), i % 5 == 4, payload)) {
                publishedBytes.addAndGet(12 + PAYLOAD);
            }
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** 100 NACK packets a second for 10 s, each naming the 300 sequence numbers received last. */
    private static void flood(Viewer flooder) {
        byte[] rtcp = new byte[1400];
        int[] seqs = new int[SEQS_PER_NACK];
        long interval = 1_000_000_000L / NACKS_PER_SECOND;
        long start = System.nanoTime();
        long next = start;
        while (System.nanoTime() - start < FLOOD_NANOS) {
            int newest = flooder.received;
            for (int k = 0; k < SEQS_PER_NACK; k++) {
                seqs[k] = flooder.recentSeqs[Math.floorMod(newest - SEQS_PER_NACK + k, SEQS_PER_NACK)];
            }
            Arrays.sort(seqs); // no wrap: the consumer starts below 2^15 and this runs for ~2,000 packets
            int len = RtcpWriters.writeReceiverReport(rtcp, 0, 0x7777, new ReportBlock[0], 0);
            len += RtcpWriters.writeNack(rtcp, len, 0x7777, flooder.ssrc, seqs, seqs.length);
            flooder.peer.sendRtcp(rtcp, len);
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static void writeLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}
