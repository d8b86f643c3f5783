/**
 * RTCP as the SFU terminates it: {@link io.stagecast.sfu.rtcp.RtcpCompound} frames a decrypted
 * datagram, {@link io.stagecast.sfu.rtcp.RtcpReaders} reads each packet in place,
 * {@link io.stagecast.sfu.rtcp.RtcpWriters} writes ours; {@link io.stagecast.sfu.rtcp.ReceiveStatistics},
 * {@link io.stagecast.sfu.rtcp.NackGenerator} and {@link io.stagecast.sfu.rtcp.TransportCcFeedback}
 * hold the per-stream state behind receiver reports, NACKs and transport-cc feedback.
 *
 * <p>Everything here works on caller-owned {@code byte[]}s, allocates nothing per packet and is
 * owned by one event loop. Bad input yields {@code false} or {@code -1} for the caller to count,
 * never an exception.
 */
package io.stagecast.sfu.rtcp;
