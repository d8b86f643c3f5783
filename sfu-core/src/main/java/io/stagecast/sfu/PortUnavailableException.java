package io.stagecast.sfu;

import java.net.InetSocketAddress;

/**
 * A socket of the node could not bind its address (in use by another process, or a privileged
 * port): says which protocol, address and port, so that whoever starts the node can tell which
 * setting to change. Netty reports only the errno ("bind(..) failed: Address already in use").
 */
public final class PortUnavailableException extends IllegalStateException {
    private final String protocol;
    private final InetSocketAddress address;

    public PortUnavailableException(String protocol, InetSocketAddress address, String what, Throwable cause) {
        super(protocol + " " + address.getAddress().getHostAddress() + ":" + address.getPort() + " (" + what + ") cannot be bound: "
                + reason(cause), cause);
        this.protocol = protocol;
        this.address = address;
    }

    public String protocol() {
        return protocol;
    }

    public int port() {
        return address.getPort();
    }

    private static String reason(Throwable cause) {
        String message = cause == null ? null : cause.getMessage();
        if (message == null) {
            return cause == null ? "unknown" : cause.getClass().getSimpleName();
        }
        // Netty's native message carries the call: "bind(..) failed: Address already in use".
        int colon = message.lastIndexOf(": ");
        return colon >= 0 && message.startsWith("bind(") ? message.substring(colon + 2) : message;
    }
}
