// The pre-join screen: camera preview, microphone meter, device pickers, camera/mic toggles,
// the name, and clear explanations when devices are refused, missing, busy or unavailable.
import { h, append, icon, clear, avatar } from '/assets/js/dom.js';
import { bind, bindText, bindAttr, t, storageGet, storageSet } from '/assets/js/i18n.js';
import { listDevices, MicMeter, mediaSupported, combinedErrorKind, mediaErrorKey } from '/assets/js/media.js';
import { field } from '/assets/js/dialog.js';
import { currentUser, onUserChange } from '/assets/js/session.js';
import { openAuthDialog, validateDisplayName } from '/assets/js/auth-view.js';
import { copyLink } from '/assets/js/clipboard.js';
import { roomLink, setRoomName } from '/assets/js/room-code.js';

const PREFS_KEY = 'bailanys.prejoin';
const GUEST_NAME_KEY = 'bailanys.guestName';

export function loadPrefs() {
  try {
    return { camera: true, mic: true, cameraId: null, micId: null, ...JSON.parse(storageGet(PREFS_KEY) ?? '{}') };
  } catch {
    return { camera: true, mic: true, cameraId: null, micId: null };
  }
}
function savePrefs(prefs) {
  storageSet(PREFS_KEY, JSON.stringify(prefs));
}

/**
 * room; media: LocalMedia (owned by the caller; started here on first show);
 * onJoin({ name, withMedia }); notice: a hello error code that sent us back here.
 */
export function mountPrejoin(container, { room, media, onJoin, notice }) {
  let destroyed = false;
  const prefs = loadPrefs();
  if (!media.audioDeviceId && prefs.micId) media.audioDeviceId = prefs.micId;
  if (!media.videoDeviceId && prefs.cameraId) media.videoDeviceId = prefs.cameraId;
  const wanted = { audio: prefs.mic, video: prefs.camera };
  let starting = false;

  // ---- preview ----
  const video = h('video', { class: 'preview-video mirrored', testid: 'prejoin-preview', autoplay: true, playsInline: true, muted: true });
  const placeholderAvatar = h('div', { class: 'preview-avatar' });
  const placeholderText = h('p', { class: 'preview-off-text' });
  const placeholder = h('div', { class: 'preview-placeholder' }, placeholderAvatar, placeholderText);
  const micToggle = h('button', { type: 'button', class: 'ctrl-btn', testid: 'prejoin-mic-toggle' });
  const camToggle = h('button', { type: 'button', class: 'ctrl-btn', testid: 'prejoin-camera-toggle' });
  const preview = h('div', { class: 'preview' }, video, placeholder,
    h('div', { class: 'preview-controls' }, micToggle, camToggle));

  const meterBar = h('div', { class: 'mic-meter-bar' });
  const meterEl = h('div', {
    class: 'mic-meter', testid: 'prejoin-mic-meter', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0,
    tAttrs: { 'aria-label': 'prejoin.micLevel' }, dataset: { level: '0' },
  }, meterBar);
  let lastShown = -1;
  const meter = new MicMeter((level) => {
    meterBar.style.transform = `scaleX(${level.toFixed(3)})`;
    const pct = Math.round(level * 100);
    if (pct !== lastShown) {
      lastShown = pct;
      meterEl.setAttribute('aria-valuenow', String(pct));
      meterEl.dataset.level = (pct / 100).toFixed(2);
    }
  });

  const cameraSelect = h('select', { testid: 'prejoin-camera-select' });
  const micSelect = h('select', { testid: 'prejoin-mic-select' });
  const cameraField = field({ labelKey: 'prejoin.camera', input: cameraSelect });
  const micField = field({ labelKey: 'prejoin.microphone', input: micSelect });
  const micMeterRow = h('div', { class: 'meter-row' }, icon('mic'), meterEl);

  // ---- errors ----
  const errorBox = h('div', { class: 'media-error', testid: 'media-error', role: 'alert', hidden: true });

  // ---- side: room, name, join ----
  const user0 = currentUser();
  const nameInput = h('input', { type: 'text', maxLength: 64, autocomplete: 'name', testid: 'prejoin-name' });
  const nameField = field({ labelKey: 'prejoin.yourName', input: nameInput, errorTestid: 'prejoin-name-error' });
  const nameHint = h('p', { class: 'field-hint' });
  nameField.wrap.insertBefore(nameHint, nameField.wrap.lastChild);
  const joinBtn = h('button', { type: 'submit', class: 'btn btn-primary btn-lg btn-block', t: 'prejoin.join', testid: 'prejoin-join' });
  const joinNoMedia = h('button', {
    type: 'button', class: 'btn btn-secondary btn-block', t: 'prejoin.joinWithoutMedia', testid: 'prejoin-join-without-media',
  });
  const guestBlock = h('div', { class: 'guest-block' });
  const noticeEl = h('p', { class: 'form-error', role: 'alert', hidden: true, testid: 'prejoin-notice' });
  const form = h('form', { class: 'prejoin-form', novalidate: true }, noticeEl, nameField.wrap, guestBlock,
    h('div', { class: 'prejoin-actions' }, joinBtn, joinNoMedia));

  const side = h('div', { class: 'prejoin-side card' },
    h('p', { class: 'eyebrow', t: 'prejoin.ready' }),
    setRoomName(h('h1', { class: 'prejoin-room-name', testid: 'room-name' }), room),
    h('div', { class: 'room-code-row' },
      h('code', { class: 'room-code', testid: 'room-code', text: room.code }),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', testid: 'copy-link', onclick: () => copyLink(roomLink(room.code)) },
        icon('copy'), h('span', { t: 'room.copyLink' }))),
    room.ownerName ? h('p', { class: 'muted small' }, bind(h('span'), 'text', (el) => { el.textContent = t('prejoin.host', { name: room.ownerName }); })) : null,
    form);

  const page = h('section', { class: 'page prejoin', testid: 'prejoin' },
    h('div', { class: 'prejoin-media card' }, preview, micMeterRow, errorBox,
      h('div', { class: 'device-row' }, cameraField.wrap, micField.wrap),
      h('a', { href: '/echo', class: 'echo-check-link small', t: 'echo.link', testid: 'echo-link' })),
    side);
  container.append(page);

  // ---- name / account ----
  function renderAccount() {
    const user = currentUser();
    clear(guestBlock);
    nameField.setError(null);
    const guestsBlocked = !user && room.allowGuests === false;
    if (user) {
      nameInput.value = user.displayName;
      nameInput.readOnly = true;
      bindText(nameHint, 'prejoin.nameFromAccount');
    } else {
      nameInput.readOnly = false;
      nameInput.required = true;
      if (!nameInput.value || nameInput.dataset.fromAccount) nameInput.value = storageGet(GUEST_NAME_KEY) ?? '';
      bindText(nameHint, 'prejoin.nameHint');
    }
    nameInput.dataset.fromAccount = user ? '1' : '';
    nameHint.hidden = false;
    if (guestsBlocked) {
      guestBlock.append(h('div', { class: 'notice notice-warn', testid: 'guests-not-allowed' },
        h('p', { t: 'prejoin.guestsNotAllowed' }),
        h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'btn btn-primary btn-sm', t: 'auth.signIn', testid: 'prejoin-signin', onclick: () => openAuthDialog('signin') }),
          h('button', { type: 'button', class: 'btn btn-secondary btn-sm', t: 'auth.signUp', testid: 'prejoin-signup', onclick: () => openAuthDialog('signup') }))));
    }
    nameField.wrap.hidden = guestsBlocked;
    joinBtn.disabled = guestsBlocked;
    joinNoMedia.disabled = guestsBlocked;
    renderPlaceholder();
  }
  const offUser = onUserChange(() => { if (!destroyed) renderAccount(); });

  if (notice) {
    bindText(noticeEl, `error.${notice}`);
    noticeEl.hidden = false;
    if (notice === 'invalid_name') nameField.setError('field.name.invalid');
  }

  // ---- media rendering ----
  function renderPlaceholder() {
    const name = nameInput.value.trim() || currentUser()?.displayName || '';
    clear(placeholderAvatar).append(avatar(name || '?', 'xl'));
  }
  nameInput.addEventListener('input', () => { nameField.setError(null); renderPlaceholder(); });

  function renderMedia() {
    const camOn = media.cameraOn;
    const micOn = media.micOn;
    if (camOn) {
      if (video.srcObject !== media.stream) video.srcObject = media.stream;
      video.play?.().catch(() => {});
    }
    video.hidden = !camOn;
    placeholder.hidden = camOn;
    bindText(placeholderText, starting ? 'prejoin.starting' : 'prejoin.cameraOff');
    preview.dataset.camera = camOn ? 'on' : 'off';
    micToggle.replaceChildren(icon(micOn ? 'mic' : 'micOff'));
    camToggle.replaceChildren(icon(camOn ? 'camera' : 'cameraOff'));
    micToggle.classList.toggle('off', !micOn);
    camToggle.classList.toggle('off', !camOn);
    micToggle.setAttribute('aria-pressed', String(micOn));
    camToggle.setAttribute('aria-pressed', String(camOn));
    micToggle.dataset.state = micOn ? 'on' : 'off';
    camToggle.dataset.state = camOn ? 'on' : 'off';
    bindAttr(micToggle, 'aria-label', micOn ? 'media.micTurnOff' : 'media.micTurnOn');
    bindAttr(micToggle, 'title', micOn ? 'media.micTurnOff' : 'media.micTurnOn');
    bindAttr(camToggle, 'aria-label', camOn ? 'media.cameraTurnOff' : 'media.cameraTurnOn');
    bindAttr(camToggle, 'title', camOn ? 'media.cameraTurnOff' : 'media.cameraTurnOn');
    meter.attach(media.audioTrack);
    micMeterRow.classList.toggle('muted-meter', !micOn);
    renderErrors();
  }

  function renderErrors() {
    const errors = {};
    if (media.errors.video) errors.video = media.errors.video;
    if (media.errors.audio) errors.audio = media.errors.audio;
    const kind = combinedErrorKind(errors);
    clear(errorBox);
    if (!kind) { errorBox.hidden = true; delete errorBox.dataset.errorKind; return; }
    errorBox.hidden = false;
    errorBox.dataset.errorKind = kind;
    const lines = [];
    if (kind === 'insecure') lines.push('media.error.insecure');
    else if (errors.video && errors.video === errors.audio) lines.push(mediaErrorKey(errors.video, 'both'));
    else {
      if (errors.video) lines.push(mediaErrorKey(errors.video, 'camera'));
      if (errors.audio) lines.push(mediaErrorKey(errors.audio, 'mic'));
    }
    append(errorBox, [
      h('div', { class: 'media-error-head' }, icon('alert'), h('strong', { t: `media.errorTitle.${kind}` })),
      lines.map((key) => h('p', { t: key })),
      h('p', { class: 'muted', t: 'media.canJoinWithout' }),
      h('div', { class: 'button-row' },
        kind !== 'insecure' ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', t: 'media.tryAgain', testid: 'prejoin-retry-media', onclick: () => retry() }) : null,
        h('button', { type: 'button', class: 'btn btn-ghost btn-sm', t: 'prejoin.joinWithoutMedia', testid: 'media-error-join-without', onclick: () => joinWithoutMedia() })),
    ]);
  }

  async function refreshDevices() {
    const { cameras, mics } = await listDevices();
    if (destroyed) return;
    fillSelect(cameraSelect, cameras, media.videoDeviceId, 'prejoin.cameraN', 'prejoin.noCamera');
    fillSelect(micSelect, mics, media.audioDeviceId, 'prejoin.microphoneN', 'prejoin.noMicrophone');
  }
  function fillSelect(select, devices, currentId, labelKey, emptyKey) {
    clear(select);
    const real = devices.filter((d) => d.deviceId);
    if (real.length === 0) {
      // Before permission is granted the browser hides device names and ids.
      select.append(h('option', { value: '', t: devices.length ? 'prejoin.defaultDevice' : emptyKey }));
      select.disabled = devices.length === 0 || !mediaSupported();
      return;
    }
    select.disabled = false;
    real.forEach((d, i) => {
      const opt = h('option', { value: d.deviceId });
      if (d.label) opt.textContent = d.label;
      else bindText(opt, labelKey, { n: i + 1 });
      select.append(opt);
    });
    if (currentId && real.some((d) => d.deviceId === currentId)) select.value = currentId;
  }

  cameraSelect.addEventListener('change', async () => {
    prefs.cameraId = cameraSelect.value || null;
    savePrefs(prefs);
    if (!media.cameraOn) { media.videoDeviceId = prefs.cameraId; return; }
    await media.useCamera(prefs.cameraId);
  });
  micSelect.addEventListener('change', async () => {
    prefs.micId = micSelect.value || null;
    savePrefs(prefs);
    if (!media.audioTrack) { media.audioDeviceId = prefs.micId; return; }
    await media.useMic(prefs.micId);
  });

  micToggle.addEventListener('click', async () => {
    prefs.mic = !media.micOn;
    savePrefs(prefs);
    micToggle.disabled = true;
    await media.setMic(prefs.mic);
    micToggle.disabled = false;
    refreshDevices();
  });
  camToggle.addEventListener('click', async () => {
    prefs.camera = !media.cameraOn;
    savePrefs(prefs);
    camToggle.disabled = true;
    await media.setCamera(prefs.camera);
    camToggle.disabled = false;
    refreshDevices();
  });

  async function retry() {
    starting = true;
    renderMedia();
    // Ask again only for what failed; what works keeps working.
    const failed = Object.keys(media.errors);
    if (failed.length === 2 || media.stream.getTracks().length === 0) {
      await media.start({ audio: prefs.mic || failed.includes('audio'), video: prefs.camera || failed.includes('video') });
    } else {
      for (const kind of failed) await media.acquire(kind);
    }
    starting = false;
    if (!destroyed) { renderMedia(); refreshDevices(); }
  }

  const onMediaChange = () => { if (!destroyed) renderMedia(); };
  media.addEventListener('change', onMediaChange);
  const onDeviceChange = () => refreshDevices();
  navigator.mediaDevices?.addEventListener?.('devicechange', onDeviceChange);

  // ---- join ----
  function readName() {
    const user = currentUser();
    if (user) return user.displayName;
    const name = nameInput.value.trim();
    const bad = validateDisplayName(name);
    if (bad) {
      nameField.setError(bad === 'field.displayName.required' ? 'prejoin.nameRequired' : bad);
      nameInput.focus();
      return null;
    }
    storageSet(GUEST_NAME_KEY, name);
    return name;
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = readName();
    if (name === null) return;
    onJoin({ name, withMedia: true });
  });
  function joinWithoutMedia() {
    const name = readName();
    if (name === null) return;
    media.stop();
    onJoin({ name, withMedia: false });
  }
  joinNoMedia.addEventListener('click', joinWithoutMedia);

  // ---- start ----
  renderAccount();
  renderMedia();
  refreshDevices();
  if (media.stream.getTracks().length === 0 && (wanted.audio || wanted.video)) {
    starting = true;
    renderMedia();
    media.start(wanted).then(() => {
      starting = false;
      if (!destroyed) { renderMedia(); refreshDevices(); }
    });
  } else if (!mediaSupported()) {
    media.errors = { audio: 'insecure', video: 'insecure' };
    renderMedia();
  }
  (user0 ? joinBtn : nameInput.value ? joinBtn : nameInput).focus?.({ preventScroll: true });

  return {
    name: 'prejoin',
    destroy() {
      destroyed = true;
      offUser();
      meter.close();
      media.removeEventListener('change', onMediaChange);
      navigator.mediaDevices?.removeEventListener?.('devicechange', onDeviceChange);
    },
  };
}
