package io.stagecast.signaling.testutil;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain socket that shows every frame (RFC 6455 section 5): the JDK's
 * client joins fragments and answers Close frames itself, so it cannot show what the server put
 * on the wire. Blocking, one thread, for tests.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** One frame as received. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a Close frame (1005 when it has none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket connect(String baseUrl) throws IOException {
        return connect(baseUrl, -1);
    }

    /**
     * Opens {@code /ws} and completes the handshake. {@code receiveBufferBytes} > 0 sets SO_RCVBUF
     * before connecting (so the window it announces is small: a client that stops reading then
     * stalls the server quickly).
     */
    public static RawWebSocket connect(String baseUrl, int receiveBufferBytes) throws IOException {
        URI uri = URI.create(baseUrl);
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(5_000);
        RawWebSocket ws = new RawWebSocket(socket);
        ws.handshake(uri.getHost() + ":" + uri.getPort());
        return ws;
    }

    private void handshake(String host) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Read the response head byte by byte so no frame byte after it is consumed.
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the handshake: " + head);
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
    }

    public Socket socket() {
        return socket;
    }

    /** One complete text frame. */
    public void sendText(String text) throws IOException {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A masked frame as a client must send it (RFC 6455 section 5.3). */
    public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xffff) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    public void sendClose(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        sendFrame(true, CLOSE, payload);
    }

    /** The next frame; null at the end of the stream. Throws {@link SocketTimeoutException} after the timeout. */
    public Frame read(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("a server must not mask its frames (RFC 6455 section 5.1)");
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
    }

    /** The next text frame's content, skipping nothing: fails on any other frame. */
    public String readText(int timeoutMs) throws IOException {
        Frame frame = read(timeoutMs);
        if (frame == null || frame.opcode() != TEXT) {
            throw new IOException("expected a text frame, got " + describe(frame));
        }
        return frame.text();
    }

    /**
     * The next text frame that contains {@code needle} (others skipped); fails on a Close frame
     * or the end of the stream.
     */
    public String readTextContaining(String needle, int timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            int left = (int) Math.max(1, deadline - System.currentTimeMillis());
            String text = readText(left);
            if (text.contains(needle)) {
                return text;
            }
        }
    }

    /** Every frame up to the end of the stream (or the timeout, after which the rest is not read). */
    public List<Frame> readUntilEnd(int timeoutMs) throws IOException {
        List<Frame> frames = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            int left = (int) (deadline - System.currentTimeMillis());
            if (left <= 0) {
                throw new SocketTimeoutException("stream still open after " + timeoutMs + " ms; frames so far: "
                        + frames.size());
            }
            Frame frame;
            try {
                frame = read(left);
            } catch (EOFException | java.net.SocketException e) {
                return frames;
            }
            if (frame == null) {
                return frames;
            }
            frames.add(frame);
        }
    }

    public static String describe(Frame frame) {
        if (frame == null) {
            return "end of stream";
        }
        if (frame.opcode() == CLOSE) {
            return "Close " + frame.closeCode() + " '" + frame.closeReason() + "'";
        }
        String text = frame.text();
        return "opcode " + frame.opcode() + " fin=" + frame.fin() + " '"
                + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + "'";
    }

    /** Reads nothing more: whatever the server sends stays in the socket buffers. */
    public InputStream rawInput() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
