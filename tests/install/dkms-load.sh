#!/bin/sh
# Guest half of tests/install/dkms-test (vm/run --modules: /lib/kmemlab
# holds the modules DKMS built): load them, run one experiment, unload.
# Notes "version ok" when sysfs shows the version DKMS built, VERSION.
# Usage: dkms-load.sh VERSION

# shellcheck source-path=SCRIPTDIR/../../vm source=guest-lib.sh
. /lib/kmemlab/guest-lib.sh
kmemlab_prog=dkms-load.sh
rm -f results.txt

insmod /lib/kmemlab/kmemlab_trace.ko || kmemlab_die "insmod kmemlab_trace.ko failed"
insmod /lib/kmemlab/kmemlab.ko nr_structs=1000 || kmemlab_die "insmod kmemlab.ko failed"
[ "$(cat /sys/module/kmemlab/version)" = "$1" ] && kmemlab_note "version ok"
echo 2000 > /sys/kernel/debug/kmemlab/run || kmemlab_die "control-file run failed"
kmemlab_note "run $(cat /sys/kernel/debug/kmemlab/run)"
rmmod kmemlab || kmemlab_die "rmmod kmemlab failed"
rmmod kmemlab_trace || kmemlab_die "rmmod kmemlab_trace failed"
kmemlab_note "unloaded"
