// storage_client drives a storage daemon through go-libvirt (DigitalOcean's pure-Go libvirt client,
// Debian package golang-github-digitalocean-go-libvirt-dev) and prints one JSON document: each call's
// result or libvirt error, and every storage pool event frame the daemon sent.
//
// Usage: storage_client SOCKET_PATH URI DIR
//
// It defines, builds and starts a dir pool "gopool" with target DIR/gopool, creates a 1 MiB raw volume,
// uploads 1 MiB of deterministic data and downloads it again (sha256 of both), asks for infos and lists,
// provokes two errors, refreshes, stops and starts the pool, then deletes everything.
//
// go-libvirt (0.0~git20221122) does not deliver storage pool events to its user: Route() decodes domain
// events only and hands any other frame to the caller waiting for the header's serial. Its Error also
// drops the error domain. So the connection go-libvirt's dialer opens is wrapped in a tap that parses
// every frame the daemon sends (length, then program, version, procedure, type, serial, status) and
// records the storage pool event MESSAGEs (procedures 370 lifecycle and 373 refresh) and the full
// remote_error of every REPLY with status ERROR.
//
// The output is stable across runs: SOCKET_PATH is printed as @SOCKET@, DIR as @DIR@ and UUIDs as @UUID@
// (a pool UUID that differs from the one StoragePoolDefineXML returned shows as "other:@UUID@"). Each
// call that makes the daemon emit an event waits for it (10 s at most) before the next call, and the
// program waits a quiet half second before deregistering, so the events are in a fixed order.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
)

const (
	remoteProgram   = 0x20008086
	typeReply       = 1
	typeMessage     = 2
	statusError     = 1
	procPoolEvLife  = 370
	procPoolEvRefr  = 373
	volumeSize      = 1 << 20
	eventWait       = 10 * time.Second
	quietBeforeDrop = 500 * time.Millisecond
)

// ---- the tap: a net.Conn that parses the frames it reads ----

type tap struct {
	net.Conn
	mu        sync.Mutex
	cond      *sync.Cond
	buf       []byte
	events    []map[string]interface{}
	lastError map[string]interface{}
	bad       []string
}

func newTap(c net.Conn) *tap {
	t := &tap{Conn: c}
	t.cond = sync.NewCond(&t.mu)
	return t
}

// Read passes the daemon's bytes on to go-libvirt unchanged, after parsing them: go-libvirt routes a
// frame only after reading it, so whatever a frame carries is recorded before its caller sees it.
func (t *tap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.feed(p[:n])
	}
	return n, err
}

func (t *tap) feed(data []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, data...)
	for len(t.buf) >= 4 {
		length := int(binary.BigEndian.Uint32(t.buf))
		if length < 28 {
			t.bad = append(t.bad, fmt.Sprintf("frame length %d", length))
			t.buf = nil
			return
		}
		if len(t.buf) < length {
			return
		}
		t.frame(t.buf[4:28], t.buf[28:length])
		t.buf = t.buf[length:]
	}
	if len(t.buf) == 0 {
		t.buf = nil // do not keep a 1 MiB download buffer alive
	}
}

func (t *tap) frame(header, payload []byte) {
	prog := binary.BigEndian.Uint32(header[0:])
	vers := binary.BigEndian.Uint32(header[4:])
	proc := binary.BigEndian.Uint32(header[8:])
	typ := binary.BigEndian.Uint32(header[12:])
	serial := int32(binary.BigEndian.Uint32(header[16:]))
	status := binary.BigEndian.Uint32(header[20:])
	switch {
	case typ == typeMessage:
		ev := map[string]interface{}{
			"program": fmt.Sprintf("%#x", prog), "version": vers, "procedure": proc, "serial": serial,
			"status": status,
		}
		d := &xdrReader{b: payload}
		switch {
		case prog == remoteProgram && proc == procPoolEvLife:
			ev["kind"] = "lifecycle"
			ev["callbackID"] = d.int32()
			ev["pool"] = d.string()
			ev["uuid"] = d.uuid()
			ev["event"] = d.int32()
			ev["detail"] = d.int32()
		case prog == remoteProgram && proc == procPoolEvRefr:
			ev["kind"] = "refresh"
			ev["callbackID"] = d.int32()
			ev["pool"] = d.string()
			ev["uuid"] = d.uuid()
		default:
			ev["kind"] = "other"
			ev["payload"] = hex.EncodeToString(payload)
			d.off = len(payload)
		}
		if d.err != nil || d.off != len(payload) {
			ev["undecodable"] = hex.EncodeToString(payload)
		}
		t.events = append(t.events, ev)
		t.cond.Broadcast()
	case typ == typeReply && status == statusError:
		t.lastError = decodeRemoteError(serial, proc, payload)
	}
}

// waitEvents waits until n events have arrived in all; false after eventWait without them.
func (t *tap) waitEvents(n int) bool {
	deadline := time.Now().Add(eventWait)
	timer := time.AfterFunc(eventWait, func() {
		t.mu.Lock()
		t.cond.Broadcast()
		t.mu.Unlock()
	})
	defer timer.Stop()
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.events) < n {
		if !time.Now().Before(deadline) {
			return false
		}
		t.cond.Wait()
	}
	return true
}

func (t *tap) eventCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.events)
}

func (t *tap) takeLastError() map[string]interface{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.lastError
	t.lastError = nil
	return e
}

// tapDialer is go-libvirt's local dialer with the connection wrapped in a tap.
type tapDialer struct {
	local *dialers.Local
	tap   *tap
}

func (d *tapDialer) Dial() (net.Conn, error) {
	c, err := d.local.Dial()
	if err != nil {
		return nil, err
	}
	d.tap = newTap(c)
	return d.tap, nil
}

// ---- XDR ----

type xdrReader struct {
	b   []byte
	off int
	err error
}

func (r *xdrReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.off+n > len(r.b) {
		r.err = errors.New("short payload")
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *xdrReader) uint32() uint32 {
	p := r.take(4)
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint32(p)
}

func (r *xdrReader) int32() int32 { return int32(r.uint32()) }

func (r *xdrReader) string() string {
	n := int(r.uint32())
	p := r.take(n)
	r.take((4 - n%4) % 4)
	return string(p)
}

func (r *xdrReader) optString() interface{} {
	if r.uint32() == 0 {
		return nil
	}
	return r.string()
}

func (r *xdrReader) uuid() [16]byte {
	var u [16]byte
	copy(u[:], r.take(16))
	return u
}

// decodeRemoteError decodes libvirt's remote_error: code, domain, message, level, dom, str1, str2, str3,
// int1, int2, net.
func decodeRemoteError(serial int32, proc uint32, payload []byte) map[string]interface{} {
	r := &xdrReader{b: payload}
	e := map[string]interface{}{"serial": serial, "procedure": proc}
	e["code"] = r.int32()
	e["domain"] = r.int32()
	e["message"] = r.optString()
	e["level"] = r.int32()
	if r.uint32() != 0 {
		name := r.string()
		r.uuid()
		e["dom"] = map[string]interface{}{"name": name, "id": r.int32()}
	} else {
		e["dom"] = nil
	}
	e["str1"] = r.optString()
	e["str2"] = r.optString()
	e["str3"] = r.optString()
	e["int1"] = r.int32()
	e["int2"] = r.int32()
	if r.uint32() != 0 {
		e["net"] = r.string()
		r.uuid()
	} else {
		e["net"] = nil
	}
	if r.err != nil || r.off != len(payload) {
		e["undecodable"] = hex.EncodeToString(payload)
	}
	return e
}

// ---- the scenario ----

type run struct {
	l        *libvirt.Libvirt
	tap      *tap
	steps    []map[string]interface{}
	poolUUID [16]byte
	expected int // events the daemon has emitted so far if it behaves as libvirtd
}

func (s *run) step(call string, result interface{}, err error) map[string]interface{} {
	st := map[string]interface{}{"call": call}
	libErr := s.tap.takeLastError()
	if err != nil {
		var le libvirt.Error
		if errors.As(err, &le) {
			st["error"] = map[string]interface{}{"code": le.Code, "message": le.Message, "reply": libErr}
		} else {
			st["error"] = map[string]interface{}{"goError": err.Error(), "reply": libErr}
		}
	} else {
		st["ok"] = result
		if libErr != nil {
			st["unexpectedErrorReply"] = libErr
		}
	}
	s.steps = append(s.steps, st)
	return st
}

// emits: the call just made makes the daemon emit n more events (libvirtd 9.0 does); wait for them.
func (s *run) emits(st map[string]interface{}, n int) {
	s.expected += n
	if !s.tap.waitEvents(s.expected) {
		st["eventWaitTimedOut"] = true
	}
}

func (s *run) uuid(u [16]byte) string {
	if u == s.poolUUID {
		return "@UUID@"
	}
	return "other:" + formatUUID(u)
}

func formatUUID(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (s *run) pool(p libvirt.StoragePool) map[string]interface{} {
	return map[string]interface{}{"name": p.Name, "uuid": s.uuid(p.UUID)}
}

func vol(v libvirt.StorageVol) map[string]interface{} {
	return map[string]interface{}{"pool": v.Pool, "name": v.Name, "key": v.Key}
}

func testData() []byte {
	data := make([]byte, volumeSize)
	x := uint32(2463534242)
	for i := range data {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		data[i] = byte(x)
	}
	return data
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: storage_client SOCKET_PATH URI DIR")
		os.Exit(2)
	}
	socketPath, uri, dir := os.Args[1], os.Args[2], os.Args[3]

	dialer := &tapDialer{local: dialers.NewLocal(dialers.WithSocket(socketPath))}
	l := libvirt.NewWithDialer(dialer)
	if err := l.ConnectToURI(libvirt.ConnectURI(uri)); err != nil {
		fmt.Fprintln(os.Stderr, "ConnectToURI:", err)
		os.Exit(1)
	}
	s := &run{l: l, tap: dialer.tap}

	gotURI, err := l.ConnectGetUri()
	s.step("ConnectGetUri", gotURI, err)
	typ, err := l.ConnectGetType()
	s.step("ConnectGetType", typ, err)
	ver, err := l.ConnectGetLibVersion()
	s.step("ConnectGetLibVersion", ver, err)
	pools, ret, err := l.ConnectListAllStoragePools(1, 0)
	s.step("ConnectListAllStoragePools", s.poolList(pools, ret), err)

	lifeID, err := l.ConnectStoragePoolEventRegisterAny(int32(libvirt.StoragePoolEventIDLifecycle), nil)
	s.step("ConnectStoragePoolEventRegisterAny lifecycle", lifeID, err)
	refreshID, err := l.ConnectStoragePoolEventRegisterAny(int32(libvirt.StoragePoolEventIDRefresh), nil)
	s.step("ConnectStoragePoolEventRegisterAny refresh", refreshID, err)

	poolXML := "<pool type='dir'><name>gopool</name><target><path>" + dir + "/gopool</path></target></pool>"
	pool, err := l.StoragePoolDefineXML(poolXML, 0)
	if err == nil {
		s.poolUUID = pool.UUID
	}
	s.emits(s.step("StoragePoolDefineXML", s.pool(pool), err), 1) // lifecycle DEFINED
	err = l.StoragePoolBuild(pool, 0)
	s.emits(s.step("StoragePoolBuild", nil, err), 1) // lifecycle CREATED
	err = l.StoragePoolCreate(pool, 0)
	s.emits(s.step("StoragePoolCreate", nil, err), 1) // lifecycle STARTED
	state, _, _, _, err := l.StoragePoolGetInfo(pool)
	s.step("StoragePoolGetInfo state", state, err)
	pools, ret, err = l.ConnectListAllStoragePools(1, libvirt.ConnectListStoragePoolsActive)
	s.step("ConnectListAllStoragePools active", s.poolList(pools, ret), err)

	volXML := "<volume><name>govol.raw</name><capacity unit='bytes'>1048576</capacity>" +
		"<allocation unit='bytes'>0</allocation><target><format type='raw'/></target></volume>"
	v, err := l.StorageVolCreateXML(pool, volXML, 0)
	s.step("StorageVolCreateXML", vol(v), err)
	path, err := l.StorageVolGetPath(v)
	s.step("StorageVolGetPath", path, err)

	data := testData()
	err = l.StorageVolUpload(v, bytes.NewReader(data), 0, uint64(len(data)), 0)
	// libvirtd refreshes the pool in a thread once the upload stream is closed: a refresh event
	s.emits(s.step("StorageVolUpload", map[string]interface{}{"bytes": len(data), "sha256": sha(data)}, err), 1)
	var got bytes.Buffer
	err = l.StorageVolDownload(v, &got, 0, 0, 0)
	s.step("StorageVolDownload", map[string]interface{}{"bytes": got.Len(), "sha256": sha(got.Bytes())}, err)
	vtype, capacity, allocation, err := l.StorageVolGetInfo(v)
	s.step("StorageVolGetInfo", map[string]interface{}{"type": vtype, "capacity": capacity,
		"allocation": allocation}, err)
	vols, vret, err := l.StoragePoolListAllVolumes(pool, 1, 0)
	list := []interface{}{}
	for _, x := range vols {
		list = append(list, vol(x))
	}
	s.step("StoragePoolListAllVolumes", map[string]interface{}{"volumes": list, "ret": vret}, err)

	missing, err := l.StoragePoolLookupByName("nosuchpool")
	s.step("StoragePoolLookupByName nosuchpool", s.pool(missing), err)
	badVol, err := l.StorageVolCreateXML(pool, "<volume><name>bad</name><capacity>1</capacity>", 0)
	s.step("StorageVolCreateXML malformed", vol(badVol), err)

	err = l.StoragePoolRefresh(pool, 0)
	s.emits(s.step("StoragePoolRefresh", nil, err), 1) // refresh
	err = l.StoragePoolDestroy(pool)
	s.emits(s.step("StoragePoolDestroy", nil, err), 1) // lifecycle STOPPED
	err = l.StoragePoolCreate(pool, 0)
	s.emits(s.step("StoragePoolCreate again", nil, err), 1) // lifecycle STARTED
	time.Sleep(quietBeforeDrop)
	err = l.ConnectStoragePoolEventDeregisterAny(lifeID)
	s.step("ConnectStoragePoolEventDeregisterAny lifecycle", nil, err)
	err = l.ConnectStoragePoolEventDeregisterAny(refreshID)
	s.step("ConnectStoragePoolEventDeregisterAny refresh", nil, err)

	err = l.StorageVolDelete(v, 0)
	s.step("StorageVolDelete", nil, err)
	err = l.StoragePoolDestroy(pool)
	s.step("StoragePoolDestroy cleanup", nil, err)
	err = l.StoragePoolUndefine(pool)
	s.step("StoragePoolUndefine", nil, err)
	err = l.Disconnect()
	s.step("Disconnect", nil, err)

	s.tap.mu.Lock()
	events := []interface{}{}
	for _, ev := range s.tap.events {
		if u, ok := ev["uuid"].([16]byte); ok {
			ev["uuid"] = s.uuid(u)
		}
		events = append(events, ev)
	}
	doc := map[string]interface{}{"calls": s.steps, "events": events}
	if len(s.tap.bad) > 0 {
		doc["badFrames"] = s.tap.bad
	}
	s.tap.mu.Unlock()

	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		fmt.Fprintln(os.Stderr, "json:", err)
		os.Exit(1)
	}
	text := strings.ReplaceAll(out.String(), socketPath, "@SOCKET@")
	text = strings.ReplaceAll(text, dir, "@DIR@")
	text = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`).
		ReplaceAllString(text, "@UUID@")
	os.Stdout.WriteString(text)
}

func (s *run) poolList(pools []libvirt.StoragePool, ret uint32) map[string]interface{} {
	list := []interface{}{}
	for _, p := range pools {
		list = append(list, s.pool(p))
	}
	return map[string]interface{}{"pools": list, "ret": ret}
}
