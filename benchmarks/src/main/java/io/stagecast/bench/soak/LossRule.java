package io.stagecast.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random loss on one local UDP sender, with nftables: a table of its own whose output chain drops
 * that share of the datagrams leaving 127.0.0.1 from the sender's port, and counts them. This
 * kernel has no netem (docs: BROWSER-TESTING.md), and only this one socket's datagrams match, so
 * nothing else on the machine is touched. Closing deletes the table; {@code soak.sh} deletes it
 * too when the JVM dies before that.
 */
final class LossRule implements AutoCloseable {
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");
    private static final long NFT_TIMEOUT_SECONDS = 10;

    private final String nft;
    private final String table;
    private boolean installed;

    /**
     * Installs the rule.
     *
     * @param perMille datagrams dropped per thousand (20: 2 %), drawn at random per datagram
     */
    LossRule(String nft, String table, int sourcePort, int perMille) throws IOException, InterruptedException {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("nft table name must be [a-z][a-z0-9_]*: " + table);
        }
        if (perMille < 0 || perMille > 1000 || sourcePort < 1 || sourcePort > 65535) {
            throw new IllegalArgumentException("loss " + perMille + " per mille on port " + sourcePort);
        }
        this.nft = nft;
        this.table = table;
        String rules = "table inet " + table + " {\n"
                + "  chain output {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    ip saddr 127.0.0.1 udp sport " + sourcePort + " numgen random mod 1000 < " + perMille
                + " counter drop\n"
                + "  }\n"
                + "}\n";
        run(rules, "-f", "-");
        installed = true;
    }

    /** Datagrams the rule dropped so far. */
    long dropped() throws IOException, InterruptedException {
        Matcher m = COUNTER.matcher(run(null, "list", "table", "inet", table));
        if (!m.find()) {
            throw new IOException("no counter in nft's listing of table " + table);
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (installed) {
            installed = false;
            run(null, "delete", "table", "inet", table);
        }
    }

    private String run(String input, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = nft;
        System.arraycopy(args, 0, command, 1, args.length);
        Path output = Files.createTempFile("soak-nft", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(NFT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took over " + NFT_TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
