// Home for a young person: a greeting, the main ways in (the bottom nav holds Home, Library,
// Forums, Local help and Talk; My journal is reached from here), and the notifications switch.

import { api } from '../api.js';
import { h, screenHeading, setTitle, button, uid } from '../ui.js';
import { pushSupport, isPushOn, turnOnPush, turnOffPush, PushProblem } from '../push.js';
import { topicWeights, suggestArticles } from '../suggestions.js';
import { articleList } from '../article-list.js';

function tile(title, href, description) {
  // The description sits outside the link so the link's name is just its title.
  return h('li', { class: 'tile' },
    h('a', { href, class: 'tile-link' }, title),
    h('p', { class: 'tile-text' }, description));
}

export function render(root, ctx) {
  setTitle('Home');
  const name = ctx.user ? ctx.user.username : '';

  root.append(
    screenHeading(name ? `Hi, ${name}` : 'Hi'),
    h('p', {}, 'What would you like to do?'),
    h('ul', { class: 'tiles' },
      tile('My journal', '#/journal', 'Check in with how you feel, write, and set goals. Only you can see it.'),
      tile('Forums', '#/forums', 'Talk with other young people who get it. A moderator reads every post.'),
      tile('Library', '#/library', 'Read about feelings, friends, exams, sleep and more.'),
      tile('Local help', '#/services', 'Find services near you that can help.'),
      tile('Talk to someone', '#/talk', 'Helplines, and chatting with a counsellor.'),
      tile('Messages to the team', '#/messages', 'Write to our counsellors at any time. They will write back.')),

    suggestedSection(ctx),

    // Never add streaks, reminders or "come back" prompts here.

    h('p', { class: 'quick-exit-hint' }, 'Press Quick exit or Shift 3 times to leave fast.'),

    notificationsSection(),

    h('section', { class: 'account', 'aria-labelledby': 'account-title' },
      h('h2', { id: 'account-title' }, 'Your account'),
      h('p', {}, `You're logged in as ${name}.`),
      h('p', {}, h('a', { href: '#/account' }, 'My account'),
        ': my posts, change password, download or delete my data.'),
      button('Log out', { variant: 'secondary', class: 'btn btn-secondary btn-block', onClick: () => ctx.logOut() })));
}

/**
 * "Suggested for you": a few articles picked on this phone from the person's own recent
 * check-ins and library searches (../suggestions.js). Nothing is sent to pick them; the
 * section stays hidden when there is nothing to go on.
 */
function suggestedSection(ctx) {
  const section = h('section', { class: 'section suggested', 'aria-labelledby': 'suggested-title', hidden: true });
  Promise.all([
    api('/mood', { query: { days: 14 } }).then((d) => (d && d.items) || []).catch(() => []),
    api('/articles').then((d) => (d && d.items) || []).catch(() => []),
  ]).then(([moods, articles]) => {
    const picked = suggestArticles(articles, topicWeights({ moods }));
    if (!picked.length || !ctx.isCurrent()) return;
    section.append(
      h('h2', { id: 'suggested-title' }, 'Suggested for you'),
      h('p', { class: 'meta' }, 'Picked on this phone from your recent check-ins and searches. Nothing is sent to us.'),
      articleList(picked),
      h('p', {}, h('a', { href: '#/library' }, 'More in the library')));
    section.hidden = false;
  });
  return section;
}

/**
 * "Tell me when a counsellor is ready or my post goes up": a switch, off by default. The
 * browser only asks for permission when the person turns it on.
 */
function notificationsSection() {
  const id = uid('push');
  const toggle = h('input', { type: 'checkbox', role: 'switch', id, 'aria-describedby': `${id}-hint`, disabled: true });
  const status = h('p', { class: 'push-status', role: 'status' });
  const section = h('section', { class: 'section notifications', 'aria-labelledby': 'notify-title' },
    h('h2', { id: 'notify-title' }, 'Notifications'),
    h('div', { class: 'choice choice-switch' }, toggle,
      h('label', { for: id }, 'Tell me when a counsellor is ready or my post goes up')),
    h('p', { class: 'hint', id: `${id}-hint` },
      'Off unless you turn it on. A notification just says “Waymark” and one short line, like “Your post is now live.” We never send reminders.'),
    status);

  const support = pushSupport();
  if (support === 'unsupported') {
    status.textContent = "This browser can't show notifications from Waymark. Everything else still works.";
    return section;
  }
  if (support === 'denied') {
    status.textContent = 'Notifications are blocked for Waymark in your browser settings. If you want them, allow notifications for this site there, then come back.';
    return section;
  }
  isPushOn().then((on) => {
    toggle.checked = on;
    toggle.disabled = false;
  });

  toggle.addEventListener('change', async () => {
    const wantOn = toggle.checked;
    toggle.disabled = true;
    status.textContent = wantOn ? 'Turning notifications on…' : 'Turning notifications off…';
    try {
      if (wantOn) {
        await turnOnPush();
        status.textContent = "Notifications are on. We'll only tell you when a counsellor is ready or your post goes up.";
      } else {
        await turnOffPush();
        status.textContent = 'Notifications are off.';
      }
    } catch (err) {
      toggle.checked = false;
      const kind = err instanceof PushProblem ? err.kind : 'failed';
      status.textContent = {
        unsupported: "This browser can't show notifications from Waymark. Everything else still works.",
        denied: 'Notifications are blocked for Waymark in your browser settings. If you want them, allow notifications for this site there, then try again.',
        dismissed: "Notifications are still off. You didn't say yes to them, and that's fine.",
        server: "We couldn't turn notifications on just now. Please try again later.",
        failed: "This browser couldn't turn notifications on. Please try again later.",
      }[kind] || "We couldn't turn notifications on.";
      if (kind === 'unsupported' || kind === 'denied') {
        toggle.disabled = true;
        return;
      }
    }
    toggle.disabled = false;
  });
  return section;
}
