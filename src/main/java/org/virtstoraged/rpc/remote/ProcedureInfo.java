package org.virtstoraged.rpc.remote;

/**
 * One procedure of the remote program, as libvirt 9.0 defines it.
 *
 * @param api         the public API function that serves it ("-" for events and auth steps)
 * @param errorDomain the error domain that function reports in
 * @param family      which per-driver connection of a modular daemon serves it: hypervisor, storage,
 *                    secret, network, interface, nodedev or nwfilter
 */
public record ProcedureInfo(int number, String name, String api, int errorDomain, String family) {
}
