package io.stagecast.signaling.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace this test makes and deletes: only its own loopback, and a veth pair with
 * 127.0.0.2/32 on one end. libnice (GStreamer's ICE) never gathers candidates on a loopback
 * interface, so it needs a non-loopback interface; one carrying a 127.x address keeps its traffic
 * on the loopback path of this machine (../shared/BROWSER-TESTING.md). Nothing in the namespace
 * can reach any other network.
 *
 * <p>Processes run inside with {@code ip netns exec}, which execs the command: the PID we hold is
 * the command's, and every one of them is stopped by PID on {@link #close()}. The test itself stays
 * in the root namespace and reaches TCP ports inside through {@link #forward(int)}: a loopback
 * port here, a Unix socket on the file system (which both namespaces see) and a small relay inside.
 */
final class NetNamespace implements AutoCloseable {
    /** The address libnice gathers in the namespace, and the one the node announces there. */
    static final String VETH_ADDRESS = "127.0.0.2";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String name;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<ServerSocket> forwards = new ArrayList<>();

    private NetNamespace(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** Whether this process may make namespaces: root, with iproute2 installed. */
    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && (new File("/usr/sbin/ip").canExecute()
                || new File("/sbin/ip").canExecute() || new File("/usr/bin/ip").canExecute());
    }

    static NetNamespace create(String prefix) throws IOException, InterruptedException {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        NetNamespace ns = new NetNamespace(name, Files.createTempDirectory("stagecast-" + name));
        try {
            run("ip", "netns", "add", name);
            run("ip", "-n", name, "link", "set", "lo", "up");
            run("ip", "-n", name, "link", "add", "sc0", "type", "veth", "peer", "name", "sc1");
            run("ip", "-n", name, "addr", "add", VETH_ADDRESS + "/32", "dev", "sc0");
            run("ip", "-n", name, "link", "set", "sc0", "up");
            run("ip", "-n", name, "link", "set", "sc1", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /**
     * A namespace with only its loopback (up), for tests that join namespaces with links of their
     * own ({@link ShapedLink}).
     */
    static NetNamespace createBare(String prefix) throws IOException, InterruptedException {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        NetNamespace ns = new NetNamespace(name, Files.createTempDirectory("stagecast-" + name));
        try {
            run("ip", "netns", "add", name);
            run("ip", "-n", name, "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Runs a short command inside (tc, ip) and waits for it; fails with its output if it fails. */
    void exec(String... command) throws IOException, InterruptedException {
        run(command(List.of(command)).toArray(String[]::new));
    }

    /** {@code command} prefixed to run inside this namespace. */
    List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** The first counter line of an nftables chain in this namespace ("... counter packets N bytes M drop"). */
    String nftCounter(String family, String table, String chain) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(List.of("nft", "list", "chain", family, table, chain)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> l.contains("counter")).findFirst().orElse(out).trim();
    }

    /** Starts a process inside; it is stopped (with its descendants) on {@link #close()}. */
    Process start(ProcessBuilder builder) throws IOException {
        builder.command(command(builder.command()));
        Process process = builder.start();
        synchronized (processes) {
            processes.add(process);
        }
        return process;
    }

    /**
     * A TCP port on this side's loopback whose connections reach {@code 127.0.0.1:port} inside the
     * namespace.
     */
    int forward(int port) throws IOException, InterruptedException {
        Path socket = dir.resolve("tcp-" + port + ".sock");
        Path relay = Path.of("src", "test", "resources", "netns", "unix_tcp_relay.py").toAbsolutePath();
        Process process = start(new ProcessBuilder("/usr/bin/python3", relay.toString(), socket + "=127.0.0.1:" + port)
                .redirectErrorStream(true));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        if (!"ready".equals(ready)) {
            throw new IOException("the relay in " + name + " did not start: " + ready);
        }
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        synchronized (forwards) {
            forwards.add(server);
        }
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    SocketChannel inside = SocketChannel.open(StandardProtocolFamily.UNIX);
                    inside.connect(UnixDomainSocketAddress.of(socket));
                    // Not Channels.newInputStream/newOutputStream: both lock the channel's blockingLock,
                    // so a blocked read would stop every write.
                    InputStream fromClient = client.getInputStream();
                    OutputStream toClient = client.getOutputStream();
                    pump("netns-up", () -> {
                        byte[] buffer = new byte[65536];
                        int n;
                        while ((n = fromClient.read(buffer)) >= 0) {
                            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                            while (b.hasRemaining()) {
                                inside.write(b);
                            }
                        }
                    }, client, inside);
                    pump("netns-down", () -> {
                        ByteBuffer b = ByteBuffer.allocate(65536);
                        while (inside.read(b) >= 0) {
                            toClient.write(b.array(), 0, b.position());
                            toClient.flush();
                            b.clear();
                        }
                    }, client, inside);
                } catch (IOException e) {
                    // closed, or the relay went away with the namespace
                }
            }
        }, "netns-forward-" + port);
        accept.setDaemon(true);
        accept.start();
        return server.getLocalPort();
    }

    private interface Copy {
        void run() throws IOException;
    }

    private static void pump(String name, Copy copy, Socket client, SocketChannel inside) {
        Thread t = new Thread(() -> {
            try {
                copy.run();
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    client.close();
                    inside.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** Stops every process started inside (by PID, descendants too), then deletes the namespace. */
    @Override
    public void close() {
        synchronized (forwards) {
            for (ServerSocket s : forwards) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
        List<Process> started;
        synchronized (processes) {
            started = new ArrayList<>(processes);
        }
        for (Process p : started) {
            stop(p.toHandle());
        }
        try {
            // Anything still inside was started by one of ours (a browser's helpers): stop it by PID.
            Process pids = new ProcessBuilder("ip", "netns", "pids", name).redirectErrorStream(true).start();
            String listed = new String(pids.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            pids.waitFor(5, TimeUnit.SECONDS);
            for (String pid : listed.trim().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(NetNamespace::stop);
                }
            }
            run("ip", "netns", "del", name);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not delete network namespace " + name + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files
        }
    }

    /** Stops a process and its descendants: TERM, then KILL after 5 s. */
    static void stop(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
        for (ProcessHandle d : descendants) {
            d.destroyForcibly();
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
    }
}
