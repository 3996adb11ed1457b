package org.virtstoraged.nativeimage;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.virtstoraged.storage.xml.binding.PoolAdapterElement;
import org.virtstoraged.storage.xml.binding.PoolAttributesElement;
import org.virtstoraged.storage.xml.binding.PoolAuthElement;
import org.virtstoraged.storage.xml.binding.PoolDeviceElement;
import org.virtstoraged.storage.xml.binding.PoolElement;
import org.virtstoraged.storage.xml.binding.PoolFeaturesElement;
import org.virtstoraged.storage.xml.binding.PoolHostElement;
import org.virtstoraged.storage.xml.binding.PoolInitiatorElement;
import org.virtstoraged.storage.xml.binding.PoolNamespaceOptionElement;
import org.virtstoraged.storage.xml.binding.PoolNamespaceOptionsElement;
import org.virtstoraged.storage.xml.binding.PoolParentAddrElement;
import org.virtstoraged.storage.xml.binding.PoolPciAddressElement;
import org.virtstoraged.storage.xml.binding.PoolRefreshElement;
import org.virtstoraged.storage.xml.binding.PoolSourceElement;
import org.virtstoraged.storage.xml.binding.PoolTargetElement;
import org.virtstoraged.storage.xml.binding.VolumeBackingStoreElement;
import org.virtstoraged.storage.xml.binding.VolumeCipherElement;
import org.virtstoraged.storage.xml.binding.VolumeElement;
import org.virtstoraged.storage.xml.binding.VolumeEncryptionElement;
import org.virtstoraged.storage.xml.binding.VolumeFeaturesElement;
import org.virtstoraged.storage.xml.binding.VolumeFormatElement;
import org.virtstoraged.storage.xml.binding.VolumeIvgenElement;
import org.virtstoraged.storage.xml.binding.VolumePermissionsElement;
import org.virtstoraged.storage.xml.binding.VolumeSecretElement;
import org.virtstoraged.storage.xml.binding.VolumeTargetElement;
import org.virtstoraged.storage.xml.binding.VolumeTextElement;

/**
 * What a native image (mvn package -Pnative) must keep for reflection that static analysis cannot see.
 * The JAXB-bound classes of pool and volume XML are created, read and filled by JAXB through
 * reflection (quarkus-jaxb registers annotated classes too; listing them here keeps the native build
 * independent of how it finds them). The procedure tables (org/virtstoraged/rpc/*.tsv) are resources:
 * see quarkus.native.resources.includes in application.properties. The JDK internals that socket
 * activation reaches (sun.nio.ch.IOUtil for O_NONBLOCK, java.lang.ProcessEnvironment to drop LISTEN_*)
 * are named as well; whether a native image honours them is untested (no native build was made).
 */
@RegisterForReflection(targets = {
        PoolAdapterElement.class,
        PoolAttributesElement.class,
        PoolAuthElement.class,
        PoolDeviceElement.class,
        PoolElement.class,
        PoolFeaturesElement.class,
        PoolHostElement.class,
        PoolInitiatorElement.class,
        PoolNamespaceOptionElement.class,
        PoolNamespaceOptionsElement.class,
        PoolParentAddrElement.class,
        PoolPciAddressElement.class,
        PoolRefreshElement.class,
        PoolSourceElement.class,
        PoolTargetElement.class,
        VolumeBackingStoreElement.class,
        VolumeCipherElement.class,
        VolumeElement.class,
        VolumeEncryptionElement.class,
        VolumeFeaturesElement.class,
        VolumeFormatElement.class,
        VolumeIvgenElement.class,
        VolumePermissionsElement.class,
        VolumeSecretElement.class,
        VolumeTargetElement.class,
        VolumeTextElement.class,
}, classNames = {"sun.nio.ch.IOUtil", "java.lang.ProcessEnvironment"})
public final class NativeReflection {
    private NativeReflection() {
    }
}
