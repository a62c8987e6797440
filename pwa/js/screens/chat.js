// Chat with a counsellor — a placeholder until the real chat (WebSocket queue) is built.

import { h, screenHeading, setTitle, backLink } from '../ui.js';
import { crisisBlock } from '../crisis.js';

export function render(root, ctx) {
  setTitle('Chat with a counsellor');
  root.append(
    backLink(ctx.back('#/talk')),
    screenHeading('Chat with a counsellor'),
    h('p', {}, "Chatting with a counsellor in the app is coming soon. We're sorry it isn't ready yet."),
    h('p', {}, 'Until then, these people are there for you, for free:'),
    crisisBlock({ headingLevel: 2 }));
}
