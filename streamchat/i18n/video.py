"""Interface text of the video player and the upload dialog."""

MESSAGES: dict[str, tuple[str, str]] = {
    "video.by": ("Автор: {name}", "Uploaded by {name}"),
    "video.upload.button": ("Загрузить видео", "Upload video"),
    "video.upload.heading": ("Загрузка видео", "Upload a video"),
    "video.upload.hint": (
        "MP4, MOV, WebM, Matroska или Ogg, не больше {limit}.",
        "MP4, MOV, WebM, Matroska or Ogg, up to {limit}.",
    ),
    "video.upload.drop": (
        "Перетащите файл сюда или нажмите, чтобы выбрать",
        "Drop a file here or click to choose one",
    ),
    "video.upload.title": ("Название", "Title"),
    "video.upload.title_placeholder": (
        "Необязательно: по умолчанию имя файла",
        "Optional: the file name by default",
    ),
    "video.upload.start": ("Загрузить", "Upload"),
    "video.upload.cancel": ("Отмена", "Cancel"),
    "video.upload.close": ("Закрыть", "Close"),
    "video.upload.progress": ("Загружено {percent}%", "{percent}% uploaded"),
    "video.upload.processing": ("Проверяем видео…", "Checking the video…"),
    "video.upload.done": (
        "Готово: видео загружено и уже показывается всем.",
        "Done: the video is uploaded and playing for everyone.",
    ),
    "video.toast.changed": (
        "Новое видео от {name}: {title}",
        "{name} uploaded a new video: {title}",
    ),
    "video.error.too_large": (
        "Файл слишком большой: можно не больше {limit}.",
        "The file is too large: the limit is {limit}.",
    ),
    "video.error.unsupported_media_type": (
        "Это не видео или неподдерживаемый формат. Загрузите MP4, MOV, WebM, "
        "Matroska или Ogg.",
        "This is not a video, or its format is not supported. Upload MP4, MOV, "
        "WebM, Matroska or Ogg.",
    ),
    "video.error.invalid_video": (
        "Видео не удалось прочитать: файл повреждён или не декодируется.",
        "The video could not be read: the file is damaged or does not decode.",
    ),
    "video.error.empty_file": ("Файл пустой.", "The file is empty."),
    "video.error.file_missing": ("Выберите файл.", "Choose a file."),
    "video.error.too_many_files": (
        "Выберите один файл.",
        "Choose one file.",
    ),
    "video.error.validation_failed": (
        "Название слишком длинное: не больше 200 символов.",
        "The title is too long: at most 200 characters.",
    ),
    "video.error.not_authenticated": (
        "Войдите, чтобы загрузить видео.",
        "Log in to upload a video.",
    ),
    "video.error.stalled": (
        "Загрузка остановилась: сервер или прокси не принял файл. Возможно, он "
        "слишком большой. Попробуйте ещё раз.",
        "The upload stopped: the server or a proxy did not accept the file. It "
        "may be too large. Try again.",
    ),
}
