package io.stagecast.sfu.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.metrics.MediaMetrics;

import java.util.concurrent.Executor;

/** What every transport of a node shares: the socket, its loop, the certificate, the counters. */
record TransportContext(Channel channel, EventLoop loop, TransportRegistry registry, DtlsCertificate certificate,
                        Executor handshakeExecutor, MediaMetrics metrics, long consentTimeoutNanos,
                        java.time.Duration dtlsHandshakeTimeout) {
}
