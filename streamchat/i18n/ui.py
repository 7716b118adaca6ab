"""Interface text of the main page: header, login and registration, chat."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Header
    "header.tagline": ("Смотрим и общаемся вместе", "Watch and chat together"),
    "header.login": ("Вход / Регистрация", "Log in / Sign up"),
    "header.logout": ("Выйти", "Log out"),
    "header.language": ("Язык интерфейса", "Interface language"),
    # Login and registration
    "auth.title": ("Вход в StreamChat", "Welcome to StreamChat"),
    "auth.tab_login": ("Вход", "Log in"),
    "auth.tab_register": ("Регистрация", "Sign up"),
    "auth.name": ("Имя", "Name"),
    "auth.email": ("Эл. почта", "Email"),
    "auth.password": ("Пароль", "Password"),
    "auth.password_hint": ("Не короче 8 символов", "At least 8 characters"),
    "auth.submit_login": ("Войти", "Log in"),
    "auth.submit_register": ("Создать аккаунт", "Create account"),
    "auth.close": ("Закрыть", "Close"),
    "auth.name_missing": ("Введите имя.", "Enter a name."),
    "auth.name_too_long": (
        "Имя должно быть не длиннее 50 символов.",
        "The name must be at most 50 characters.",
    ),
    "auth.name_taken": (
        "Это имя уже занято. Выберите другое.",
        "This name is taken. Choose another one.",
    ),
    "auth.email_invalid": (
        "Введите правильный адрес эл. почты.",
        "Enter a valid email address.",
    ),
    "auth.email_taken": (
        "Аккаунт с этой почтой уже есть. Войдите в него.",
        "An account with this email already exists. Log in instead.",
    ),
    "auth.password_too_short": (
        "Пароль должен быть не короче 8 символов.",
        "The password must be at least 8 characters.",
    ),
    "auth.password_too_long": (
        "Пароль должен быть не длиннее 256 символов.",
        "The password must be at most 256 characters.",
    ),
    "auth.invalid_credentials": (
        "Неверная почта или пароль.",
        "The email or password is incorrect.",
    ),
    "auth.banned": ("Этот аккаунт заблокирован.", "This account is banned."),
    "auth.rate_limited": (
        "Слишком много неудачных попыток входа. Подождите немного.",
        "Too many failed logins. Wait a little and try again.",
    ),
    "auth.session_ended": (
        "Вы вышли из аккаунта.",
        "You have been logged out.",
    ),
    # Media area
    "media.empty_title": ("Видео пока нет", "No video yet"),
    "media.empty_text": (
        "Когда кто-нибудь загрузит видео или начнёт трансляцию, оно появится здесь.",
        "When someone uploads a video or starts a broadcast, it appears here.",
    ),
    # Chat
    "chat.title": ("Чат", "Chat"),
    "chat.loading": ("Загружаем сообщения…", "Loading messages…"),
    "chat.empty": (
        "Сообщений пока нет. Напишите первым!",
        "No messages yet. Say hello first!",
    ),
    "chat.load_older": ("Показать более ранние", "Show older messages"),
    "chat.placeholder": ("Напишите сообщение…", "Write a message…"),
    "chat.send": ("Отправить", "Send"),
    "chat.delete": ("Удалить сообщение", "Delete message"),
    "chat.like": ("Нравится", "Like"),
    "chat.login_to_like": (
        "Войдите, чтобы ставить лайки.",
        "Log in to like messages.",
    ),
    "chat.login_to_chat": (
        "Войдите, чтобы писать в чат.",
        "Log in to write in the chat.",
    ),
    "chat.text_empty": ("Сначала напишите сообщение.", "Write a message first."),
    "chat.text_too_long": (
        "Сообщение должно быть не длиннее 500 символов.",
        "A message can be at most 500 characters.",
    ),
    "chat.rate_limited": (
        "Вы отправляете сообщения слишком часто. Подождите немного.",
        "You are sending messages too fast. Wait a moment.",
    ),
    "chat.muted": (
        "Вам временно запрещено писать в чат.",
        "You are muted and cannot write in the chat for now.",
    ),
    "chat.banned": ("Ваш аккаунт заблокирован.", "Your account is banned."),
    "chat.not_found": ("Это сообщение уже удалено.", "This message was deleted."),
    "chat.forbidden": (
        "Можно удалять только свои сообщения.",
        "You can delete only your own messages.",
    ),
}
