package org.virtstoraged.server;

/**
 * The per-client limits a listener applies, taken from the daemon configuration.
 *
 * @param maxClientRequests calls one client may have in flight before we stop reading from it
 * @param keepaliveInterval seconds of silence before we ping a client that supports keepalive (0: never)
 * @param keepaliveCount    unanswered pings after which the client is dropped
 */
public record ClientSettings(int maxClientRequests, int keepaliveInterval, int keepaliveCount) {
}
