import type { JSX } from "preact";
import { navigate } from "../app/router";

type Props = JSX.HTMLAttributes<HTMLAnchorElement> & { href: string };

/** An <a> that navigates inside the console without reloading (modified clicks open as usual). */
export function Link({ href, children, ...rest }: Props) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
