package io.stagecast.sfu.router;

import io.stagecast.sfu.metrics.KeyframeReason;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.bwe.TrackDemand;
import io.stagecast.sfu.rtcp.NackGenerator;
import io.stagecast.sfu.rtcp.ReceiveStatistics;
import io.stagecast.sfu.rtcp.ReportBlock;
import io.stagecast.sfu.rtcp.RtcpCompound;
import io.stagecast.sfu.rtcp.RtcpReaders;
import io.stagecast.sfu.rtcp.RtcpWriters;
import io.stagecast.sfu.rtp.KeyframeDetector;
import io.stagecast.sfu.rtp.RtpPacket;
import io.stagecast.sfu.rtp.VideoCodec;
import io.stagecast.sfu.rtp.Vp8TemporalFields;
import io.stagecast.sfu.transport.Transport;

import java.nio.charset.StandardCharsets;

/**
 * One received RTP stream of a producer (the only one, or one simulcast layer): its receive
 * statistics for our reports, loss detection for our NACKs, and the cache we answer
 * subscribers' NACKs from.
 */
public final class ProducerStream {
    /** ~1 s of 1.5 Mbit/s video: enough for a NACK round trip and a few retries. */
    private static final int VIDEO_CACHE_PACKETS = 512;
    private static final long NACK_RTT_GUESS_NANOS = 50_000_000L;
    /** RFC 6464 level (-dBov) under which we call the track "speaking". */
    private static final int VOICE_LEVEL_THRESHOLD = 60;

    private final Producer producer;
    /** False on a {@link ProducerReplica}: no statistics or NACKs of ours towards the publisher. */
    private final boolean origin;
    private final int layer;
    private final String rid;
    private final byte[] ridBytes;
    /** Learnt on the loop from mid/rid; volatile for a relay's description read by signaling. */
    private volatile int ssrc;
    private final int clockRate;
    private ReceiveStatistics stats;
    /** Gaps in the stream; NACKed when the publisher offered NACK, else only watched. */
    private final NackGenerator nacks;
    private final boolean sendNacks;
    /**
     * On a relay's producer: the other node sends this layer only while our viewers need it
     * ({@code RelayConsumer}), so a silence of {@link #RELAY_RESUME_NANOS} before a packet is a
     * pause it chose, not loss: its sequence numbers jump and nothing skipped is NACKed.
     */
    private final boolean relayed;
    private static final long RELAY_RESUME_NANOS = 500_000_000L;
    /** {@link NackGenerator#gaveUpCount()} when this stream last asked for a keyframe because of it. */
    private long lossesAnswered;
    private final PacketCache cache;
    private final ReportBlock[] reportBlock = {new ReportBlock()};
    private final int[] lostScratch = new int[64];
    private long lastPacketNanos;
    private long lastVoiceNanos;
    private final KeyframeRequests keyframeRequests = new KeyframeRequests();
    /** What this stream carries, for ranking simulcast layers: its last keyframe's size, its bitrate. */
    private int keyframePixels;
    private int keyframeWidth;
    private int keyframeHeight;
    private long bytesSinceRating;
    private long bitrateBps;
    /** The bitrate when it last flowed: a layer paused at the source keeps its rank. */
    private long flowingBitrateBps;
    /** Bytes per VP8 temporal layer since the last rating, and the cumulative rates measured then. */
    private final long[] temporalBytes = new long[TrackDemand.MAX_TEMPORAL];
    private final long[] temporalBps = new long[TrackDemand.MAX_TEMPORAL];
    private int temporalSeen;
    private int temporalCount = 1;
    /** The temporal fields of the packet being forwarded now (parsed once for all consumers). */
    private int packetTid = -1;
    private boolean packetLayerSync;
    private boolean packetStartsFrame;

    ProducerStream(Producer producer, int layer, StreamSpec spec) {
        this.producer = producer;
        this.layer = layer;
        this.rid = spec.rid();
        this.ridBytes = rid == null ? null : rid.getBytes(StandardCharsets.US_ASCII);
        this.ssrc = spec.ssrc();
        boolean video = producer.kind() == MediaKind.VIDEO;
        this.clockRate = producer.spec().codec().clockRate();
        this.stats = new ReceiveStatistics(ssrc, clockRate);
        this.sendNacks = producer.negotiatedNack();
        // Without NACK a gap is given up on the tick after the one that first saw it (20-40 ms, room
        // for reordering), so the keyframe request goes out before a viewer's freeze (~180 ms at
        // 30 fps in libwebrtc's count) instead of at the publisher's next periodic keyframe.
        this.nacks = video ? new NackGenerator(256, sendNacks ? 5 : 1) : null;
        this.cache = video ? new PacketCache(VIDEO_CACHE_PACKETS, PacketBuffer.CAPACITY) : null;
        this.origin = !(producer instanceof ProducerReplica);
        this.relayed = producer.transport() != null && producer.transport().isRelay();
    }

    /** What a replica on another loop starts from ({@link ReplicaSeed}). */
    record Snapshot(int keyframeWidth, int keyframeHeight, long bitrateBps, long flowingBitrateBps,
                    long[] temporalBps, int temporalCount, long lastPacketNanos) {
    }

    /** On this stream's loop. */
    Snapshot snapshot() {
        return new Snapshot(keyframeWidth, keyframeHeight, bitrateBps, flowingBitrateBps, temporalBps.clone(),
                temporalCount, lastPacketNanos);
    }

    /** On the replica's loop, before its first packet. */
    void restore(Snapshot s) {
        keyframeWidth = s.keyframeWidth();
        keyframeHeight = s.keyframeHeight();
        keyframePixels = keyframeWidth * keyframeHeight;
        bitrateBps = s.bitrateBps();
        flowingBitrateBps = s.flowingBitrateBps();
        System.arraycopy(s.temporalBps(), 0, temporalBps, 0, Math.min(temporalBps.length, s.temporalBps().length));
        temporalCount = s.temporalCount();
        lastPacketNanos = Math.max(lastPacketNanos, s.lastPacketNanos());
    }

    public int ssrc() {
        return ssrc;
    }

    public int layer() {
        return layer;
    }

    public String rid() {
        return rid;
    }

    public Producer producer() {
        return producer;
    }

    /** Whether an unknown SSRC's first packet announces this stream (mid and rid extensions). */
    public boolean matches(RtpPacket rtp) {
        int midId = producer.midExtensionId();
        if (midId > 0 && rtp.extensionOffset(midId) >= 0 && !rtp.extensionEquals(midId, producer.midBytes())) {
            return false;
        }
        int ridId = producer.ridExtensionId();
        if (ridBytes != null) {
            return ridId > 0 && rtp.extensionEquals(ridId, ridBytes);
        }
        // No rid: a single-stream producer whose a=ssrc was missing; its mid must say so.
        return midId > 0 && rtp.extensionEquals(midId, producer.midBytes());
    }

    void bindSsrc(int learnt) {
        this.ssrc = learnt;
        stats = new ReceiveStatistics(learnt, clockRate);
        producer.router.events().onStreamLearned(producer);
    }

    /**
     * A packet of this stream, decrypted, still in the receive buffer (or, on a replica, in a
     * relayed batch). Event loop only. What we report to the publisher (receive statistics, our
     * NACKs) is the origin's alone.
     */
    void onRtp(RtpPacket rtp, long nowNanos) {
        boolean resumed = relayed && lastPacketNanos != 0 && nowNanos - lastPacketNanos >= RELAY_RESUME_NANOS;
        lastPacketNanos = nowNanos;
        bytesSinceRating += rtp.length();
        int seq = rtp.sequenceNumber();
        if (origin) {
            stats.onPacket(seq, rtp.timestamp(), nowNanos);
            if (nacks != null) {
                if (resumed) {
                    nacks.restart();
                }
                nacks.onPacket(seq, nowNanos);
            }
        }
        boolean keyframe = false;
        if (cache != null) {
            cache.put(seq, rtp.buffer(), rtp.offset(), rtp.length());
            if (producer.videoCodec() != null) {
                keyframe = KeyframeDetector.isKeyframe(producer.videoCodec(), rtp.buffer(), rtp.payloadOffset(),
                        rtp.payloadLength());
                if (keyframe) {
                    keyframeRequests.onKeyframe();
                    int size = KeyframeSize.dimensions(producer.videoCodec(), rtp.buffer(), rtp.payloadOffset(),
                            rtp.payloadLength());
                    if (size != 0) {
                        keyframeWidth = KeyframeSize.width(size);
                        keyframeHeight = KeyframeSize.height(size);
                        keyframePixels = keyframeWidth * keyframeHeight;
                    }
                }
            }
        } else if (producer.audioLevelExtensionId() > 0) {
            int level = rtp.audioLevel(producer.audioLevelExtensionId());
            if (level >= 0) {
                if (level < VOICE_LEVEL_THRESHOLD) {
                    lastVoiceNanos = nowNanos;
                }
                producer.onAudioLevel(level, nowNanos);
            }
        }
        packetTid = -1;
        if (producer.videoCodec() == VideoCodec.VP8) {
            readTemporal(rtp);
        }
        producer.forward(this, rtp, keyframe, nowNanos);
    }

    void onSenderReport(RtcpCompound sr, long nowNanos) {
        stats.onSenderReport(RtcpReaders.srNtpTimestamp(sr.buffer(), sr.packetOffset()), nowNanos);
    }

    /** Retransmission source: the cached packet's array, or null. */
    public byte[] cached(int seq) {
        return cache == null ? null : cache.get(seq);
    }

    public int cachedLength(int seq) {
        return cache.length(seq);
    }

    public boolean isActive(long nowNanos, long windowNanos) {
        return lastPacketNanos != 0 && nowNanos - lastPacketNanos < windowNanos;
    }

    /** Width x height of the last keyframe that said, 0 when none did. */
    int keyframePixels() {
        return keyframePixels;
    }

    int keyframeWidth() {
        return keyframeWidth;
    }

    int keyframeHeight() {
        return keyframeHeight;
    }

    private void readTemporal(RtpPacket rtp) {
        byte[] b = rtp.buffer();
        int off = rtp.payloadOffset();
        int len = rtp.payloadLength();
        int tid = Vp8TemporalFields.temporalId(b, off, len);
        packetTid = tid;
        if (tid >= 0) {
            packetLayerSync = Vp8TemporalFields.layerSync(b, off, len);
            packetStartsFrame = Vp8TemporalFields.startsFrame(b, off, len);
            temporalBytes[tid] += rtp.length();
            temporalSeen = Math.max(temporalSeen, tid + 1);
        }
    }

    /** VP8 TID of the packet being forwarded, -1 when it has none (then it is never dropped for it). */
    int packetTemporalId() {
        return packetTid;
    }

    boolean packetLayerSync() {
        return packetLayerSync;
    }

    boolean packetStartsFrame() {
        return packetStartsFrame;
    }

    /** Temporal layers into {@code d} at spatial rank {@code rank}: seen in the last period, cumulative rates. */
    void fillTemporal(TrackDemand d, int rank) {
        int base = rank * TrackDemand.MAX_TEMPORAL;
        d.temporalCount[rank] = temporalCount;
        if (temporalCount <= 1) {
            d.temporalBps[base] = bitrateBps;
            return;
        }
        for (int t = 0; t < temporalCount; t++) {
            d.temporalBps[base + t] = temporalBps[t];
        }
    }

    long bitrateBps() {
        return bitrateBps;
    }

    /** Folds the bytes since the last call into the bitrate (halving the past each time). */
    void rate(long elapsedNanos) {
        if (elapsedNanos > 0) {
            long sample = bytesSinceRating * 8 * 1_000_000_000L / elapsedNanos;
            bitrateBps = bitrateBps == 0 ? sample : (bitrateBps + sample) / 2;
            if (sample > 0) {
                flowingBitrateBps = bitrateBps;
            }
            long cumulative = 0;
            for (int t = 0; t < temporalBytes.length; t++) {
                cumulative += temporalBytes[t];
                long rate = cumulative * 8 * 1_000_000_000L / elapsedNanos;
                temporalBps[t] = temporalBps[t] == 0 ? rate : (temporalBps[t] + rate) / 2;
            }
            temporalCount = Math.max(1, temporalSeen);
        }
        bytesSinceRating = 0;
        java.util.Arrays.fill(temporalBytes, 0);
        temporalSeen = 0;
    }

    /**
     * Whether this stream carries more than {@code other}: a larger keyframe when both said how
     * large, else a higher bitrate. Not their order in the SDP (issue 8 item 15).
     */
    boolean carriesMoreThan(ProducerStream other) {
        if (keyframePixels > 0 && other.keyframePixels > 0 && keyframePixels != other.keyframePixels) {
            return keyframePixels > other.keyframePixels;
        }
        // A layer that never flowed ranks above every layer that did: encoders start their small
        // layers first and the top one last (Chromium's f appears as its estimate ramps), and a
        // layer ranked lowest is the one every new viewer starts on and that is never paused, so a
        // never-seen top layer ranked there sent a 320-px tile a 1280-px keyframe.
        boolean seen = keyframePixels > 0 || flowingBitrateBps > 0;
        boolean otherSeen = other.keyframePixels > 0 || other.flowingBitrateBps > 0;
        if (seen != otherSeen) {
            return !seen;
        }
        return flowingBitrateBps > other.flowingBitrateBps;
    }

    public long lastVoiceNanos() {
        return lastVoiceNanos;
    }

    /** Asks the publisher for a keyframe unless one was asked for very recently (aggregation). */
    void requestKeyframe(long nowNanos, KeyframeReason reason) {
        if (producer.kind() != MediaKind.VIDEO) {
            // Audio has no keyframes: nothing would ever answer the request, and the tick would
            // send a pointless PLI every interval for the life of the track.
            return;
        }
        if (ssrc == 0) {
            keyframeRequests.markWanted(); // sent by the tick once the SSRC is known
            return;
        }
        if (keyframeRequests.request(nowNanos)) {
            sendPli(reason);
        }
    }

    private void sendPli(KeyframeReason reason) {
        PublisherLink link = producer.publisher();
        if (link != null) {
            link.sendPli(ssrc, reason);
        }
    }

    KeyframeRequests keyframeRequests() {
        return keyframeRequests;
    }

    /** NACKs for what went missing, receiver reports, and keyframe requests still unanswered. */
    void tick(Transport transport, long nowNanos, boolean reportsDue) {
        if (ssrc == 0) {
            return;
        }
        if (nacks != null) {
            int lost = nacks.collect(nowNanos, sendNacks ? NACK_RTT_GUESS_NANOS : 0, lostScratch);
            long gaveUp = nacks.gaveUpCount();
            if (gaveUp != lossesAnswered) {
                // A packet that will not come leaves every subscriber's decoder waiting for a
                // keyframe: ask now rather than let each viewer freeze until its own PLI or the
                // publisher's next periodic keyframe (mediasoup's NackGenerator does the same).
                lossesAnswered = gaveUp;
                requestKeyframe(nowNanos, KeyframeReason.UPSTREAM_LOSS);
            }
            if (lost > 0 && sendNacks) {
                byte[] out = transport.sender().sendScratch();
                int len = RtcpWriters.writeNack(out, 0, transport.sender().rtcpSenderSsrc(), ssrc,
                        lostScratch, lost);
                transport.sender().sendRtcp(out, 0, len);
            }
        }
        if (keyframeRequests.retryDue(nowNanos)) {
            sendPli(KeyframeReason.RETRY);
        }
        if (reportsDue && lastPacketNanos != 0) {
            stats.fillReportBlock(reportBlock[0], nowNanos);
            byte[] out = transport.sender().sendScratch();
            int len = RtcpWriters.writeReceiverReport(out, 0, transport.sender().rtcpSenderSsrc(),
                    reportBlock, 1);
            transport.sender().sendRtcp(out, 0, len);
        }
    }
}
