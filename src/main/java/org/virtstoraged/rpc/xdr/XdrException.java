package org.virtstoraged.rpc.xdr;

/** A payload that does not decode as the XDR type expected (short, oversized or ill-formed). */
public class XdrException extends RuntimeException {
    public XdrException(String message) {
        super(message);
    }
}
