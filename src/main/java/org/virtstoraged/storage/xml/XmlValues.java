package org.virtstoraged.storage.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.virtstoraged.storage.xml.binding.VolumeTextElement;

/**
 * libvirt's XPath lookups over JAXB-bound lists. libvirt reads a value with an XPath string() lookup, which
 * yields the first match in document order and treats an empty result as absent; these do the same.
 */
final class XmlValues {
    private XmlValues() {
    }

    /** XPath string() of the first element, with libvirt's rule that an empty string counts as absent. */
    static String text(List<VolumeTextElement> elements) {
        return elements.isEmpty() ? null : nonEmpty(elements.get(0).stringValue());
    }

    /** XPath string(./element/@attr): the attribute of the first element that has it; empty counts as absent. */
    static <E> String attribute(List<E> elements, Function<E, String> attr) {
        for (E element : elements) {
            String value = attr.apply(element);
            if (value != null) {
                return nonEmpty(value);
            }
        }
        return null;
    }

    /** All children of all parents, in document order (an XPath step over several parents). */
    static <P, C> List<C> children(List<P> parents, Function<P, List<C>> step) {
        if (parents.size() == 1) {
            return step.apply(parents.get(0));
        }
        List<C> all = new ArrayList<>();
        for (P parent : parents) {
            all.addAll(step.apply(parent));
        }
        return all;
    }

    /** virXPathNode(): the first element, or null. */
    static <E> E first(List<E> elements) {
        return elements.isEmpty() ? null : elements.get(0);
    }

    static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
