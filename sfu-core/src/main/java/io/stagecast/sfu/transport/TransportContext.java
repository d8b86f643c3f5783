package io.stagecast.sfu.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsHandshakeScheduler;
import io.stagecast.sfu.metrics.MediaMetrics;

/**
 * What every transport of one media event loop shares: the loop's socket, the loop (and its index
 * among the node's loops), the loop's registry and its outbound datagrams (touched on that loop
 * only); and the node's certificate, handshake threads and counters. {@code frameRuns} is the
 * loop's UDP GSO runs, null when GSO is off ({@code media.gso}, or not supported here);
 * {@code tcpPort} the loop's ICE-TCP port, -1 when the node offers no TCP candidates.
 */
record TransportContext(Channel channel, EventLoop loop, int loopIndex, TransportRegistry registry, DtlsCertificate certificate,
                        DtlsHandshakeScheduler handshakes, MediaMetrics metrics, long consentTimeoutNanos,
                        java.time.Duration dtlsHandshakeTimeout, DatagramPool datagrams, FrameRunPool frameRuns,
                        int tcpPort) {
}
