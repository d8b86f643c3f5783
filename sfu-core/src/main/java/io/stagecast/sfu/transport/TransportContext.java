package io.stagecast.sfu.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.dtls.DtlsHandshakeScheduler;
import io.stagecast.sfu.metrics.MediaMetrics;

/**
 * What every transport of a node shares: the socket, its loop, the certificate, the counters,
 * and the loop's outbound datagrams (touched on that loop only).
 */
record TransportContext(Channel channel, EventLoop loop, TransportRegistry registry, DtlsCertificate certificate,
                        DtlsHandshakeScheduler handshakes, MediaMetrics metrics, long consentTimeoutNanos,
                        java.time.Duration dtlsHandshakeTimeout, DatagramPool datagrams) {
}
