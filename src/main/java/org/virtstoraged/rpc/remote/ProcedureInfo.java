package org.virtstoraged.rpc.remote;

/**
 * One procedure of the remote program, as libvirt 9.0 defines it.
 *
 * @param api         the public API function that serves it ("-" for events and auth steps)
 * @param errorDomain the error domain that function reports in
 * @param family      which per-driver connection of a modular daemon serves it: hypervisor, storage,
 *                    secret, network, interface, nodedev or nwfilter
 * @param answeredBy  who answers it in libvirt's daemon: a hand-written "dispatcher", the "library"
 *                    (the API needs no driver method), a "driver" method, or "-" for an event message
 * @param virtstoraged what libvirt's virtstoraged does with it: "yes" (answers: the library, or a method
 *                    of its storage driver), "unsupported" (the storage driver lacks the method),
 *                    "no-connection" (another driver's family), "dispatcher" (hand-written), "-" (event)
 */
public record ProcedureInfo(int number, String name, String api, int errorDomain, String family, String answeredBy,
        String virtstoraged) {
}
