package io.stagecast.signaling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM and SIGINT drain the node ({@link StagecastServer#drainAndClose}) and then exit 0, so
 * that a rolling update (Kubernetes, systemd, compose) lets live events end instead of cutting
 * them, and the service manager sees a clean stop. A second signal ends the wait at once. The
 * JDK has no public API for catching a signal without starting the shutdown (a shutdown hook
 * runs too late: the JVM is already exiting with 143), hence {@code sun.misc.Signal}, which
 * module jdk.unsupported keeps for exactly this.
 */
final class GracefulStop {
    private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

    private GracefulStop() {
    }

    static void install(StagecastServer server, Duration drain) {
        AtomicReference<Thread> draining = new AtomicReference<>();
        sun.misc.SignalHandler handler = signal -> {
            Thread running = draining.get();
            if (running != null) {
                log.info("SIG{} again: closing now", signal.getName());
                running.interrupt();
                return;
            }
            Thread thread = new Thread(() -> {
                server.drainAndClose(drain);
                System.exit(0);
            }, "drain");
            if (draining.compareAndSet(null, thread)) {
                log.info("SIG{}: draining for up to {} s (shutdown.drain-seconds); signal again (Ctrl-C) to stop now",
                        signal.getName(), drain.toSeconds());
                thread.start();
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }
}
