# The virsh steps of LogicalPoolIT, shared by record-libvirtd.sh (sourced there, with v = virsh against
# libvirtd, h = a host lvm2 tool seeing only the test's loop device) and by the IT (which runs the same lines against our daemon). One step per line.
v pool-define $WORK/pool.xml
v pool-build libvirt_it_vg
h vgs --noheadings -o vg_name,pv_count,lv_count libvirt_it_vg
h pvs --noheadings -o pv_name,vg_name
v find-storage-pool-sources logical
v pool-build libvirt_it_vg
v pool-start libvirt_it_vg
v pool-info libvirt_it_vg
v vol-list libvirt_it_vg
v vol-create-as libvirt_it_vg vol1 8M
v vol-create-as libvirt_it_vg sparse1 16M --allocation 4M
v vol-resize vol1 16M --pool libvirt_it_vg
v pool-destroy libvirt_it_vg
v pool-delete libvirt_it_vg
h vgs libvirt_it_vg
v find-storage-pool-sources logical
v pool-undefine libvirt_it_vg
