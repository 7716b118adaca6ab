"""Interface text of the live broadcast: banner, broadcast dialog, watch page."""

MESSAGES: dict[str, tuple[str, str]] = {
    "stream.live_badge": ("В ЭФИРЕ", "LIVE"),
    "stream.banner": ("Сейчас в эфире:", "Live now:"),
    "stream.banner_link": ("Смотреть", "Watch"),
    "stream.viewers": ("Зрителей:", "Viewers:"),
    "stream.start": ("Начать трансляцию", "Start broadcast"),
    "stream.dialog_title": ("Трансляция с камеры", "Broadcast from your camera"),
    "stream.title_label": ("Название трансляции", "Broadcast title"),
    "stream.title_placeholder": ("О чём эфир?", "What is it about?"),
    "stream.go_live": ("Выйти в эфир", "Go live"),
    "stream.stop": ("Остановить", "Stop"),
    "stream.close": ("Закрыть", "Close"),
    "stream.preview_hint": (
        "Браузер спросит доступ к камере и микрофону.",
        "Your browser will ask for the camera and microphone.",
    ),
    "stream.login_needed": (
        "Войдите, чтобы вести трансляцию.",
        "Log in to broadcast.",
    ),
    "stream.ended": ("Трансляция закончилась.", "The broadcast has ended."),
    "stream.offline": ("Сейчас никто не в эфире.", "Nobody is live right now."),
    "stream.chat_slot": ("Чат", "Chat"),
    "stream.title_missing": ("Введите название.", "Enter a title."),
    "stream.title_too_long": (
        "Название должно быть не длиннее 200 символов.",
        "The title must be at most 200 characters.",
    ),
}
