import { render } from "preact";
import "./styles.css";
import { Shell } from "./app/Shell";
import { resumeSession } from "./app/session";

void resumeSession();
render(<Shell />, document.getElementById("app")!);
