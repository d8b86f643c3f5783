package io.stagecast.sfu.transport;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An announced address no interface of this host has is warned about at start (issue 12 item 6). */
class AnnouncedAddressesTest {
    @Test
    void onlyAddressesNoInterfaceHasAreReported() throws Exception {
        // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): on no interface of a test machine.
        InetAddress foreign = InetAddress.getByName("203.0.113.77");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertEquals(List.of(foreign), MediaLoops.notLocal(List.of(loopback, foreign)));
        assertEquals(List.of(), MediaLoops.notLocal(List.of(loopback)));
    }
}
