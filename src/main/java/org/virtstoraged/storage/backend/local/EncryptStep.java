package org.virtstoraged.storage.backend.local;

/**
 * virStorageVolEncryptConvertStep: copying into or out of an encrypted volume is done by creating the
 * target first and then converting into it with --image-opts.
 */
enum EncryptStep {
    NONE, CREATE, CONVERT
}
